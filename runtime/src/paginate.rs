//! Walking a collection page by page as a `Stream` of items.

use std::collections::VecDeque;
use std::future::Future;

use futures_util::Stream;

use crate::error::Error;
use crate::response::Page;

/// A stream of every item from `offset` on, fetching pages of `limit` items with `fetch(offset, limit)`
/// only when the items already fetched are used up. Stops after the last item that
/// `Pagination-Total` announces, at an empty or short page, or after the first error.
pub fn paginate<T, F, Fut>(
    offset: i64,
    limit: i64,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(i64, i64) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    struct State<T, F> {
        fetch: F,
        buffer: VecDeque<T>,
        next: Option<i64>,
        limit: i64,
    }
    let state = State {
        fetch,
        buffer: VecDeque::new(),
        next: Some(offset.max(0)),
        limit: limit.max(1),
    };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            let offset = state.next.take()?;
            match (state.fetch)(offset, state.limit).await {
                Ok(page) => {
                    let page = Page {
                        offset: Some(page.offset.unwrap_or(offset as u64)),
                        ..page
                    };
                    state.next = page.next_offset().map(|n| n as i64);
                    state.buffer.extend(page.items);
                }
                Err(e) => return Some((Err(e), state)),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn walks_pages_until_total() {
        let mut calls = Vec::new();
        let items: Vec<i64> = paginate(0, 2, |offset, limit| {
            calls.push((offset, limit));
            async move {
                let items = (offset..(offset + limit).min(5)).collect();
                Ok(Page {
                    items,
                    total: Some(5),
                    limit: Some(limit as u64),
                    offset: Some(offset as u64),
                })
            }
        })
        .map(Result::unwrap)
        .collect()
        .await;
        assert_eq!(items, vec![0, 1, 2, 3, 4]);
        assert_eq!(calls, vec![(0, 2), (2, 2), (4, 2)]);
    }
}
