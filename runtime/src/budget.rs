//! A retry budget shared by every call of a client, so that retries cannot turn an outage
//! into a flood.

use std::sync::atomic::{AtomicU32, Ordering};

/// How many retries a client may make while calls keep failing.
///
/// The budget is a pool of tokens shared by every call of a client (and of its clones). A
/// retry takes `retry_cost` tokens (`timeout_cost` after a timeout); when the pool cannot pay
/// for it, the call ends with its error instead. A call that succeeds gives back what its
/// retries took, or `success_refund` when it needed none, up to `capacity`. So while a server
/// fails every request, it sees at most `capacity / retry_cost` retries in all, and after
/// that one request per call; as it recovers, successes refill the pool.
///
/// The default (500 tokens, 5 per retry, 10 per retry after a timeout, 1 back per success)
/// is the one aws-sdk-rust uses for its retry quota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryBudget {
    /// Tokens the pool holds when full, and starts with.
    pub capacity: u32,
    /// Tokens a retry takes.
    pub retry_cost: u32,
    /// Tokens a retry after a timeout takes.
    pub timeout_cost: u32,
    /// Tokens a call that succeeds at its first attempt gives back.
    pub success_refund: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_refund: 1,
        }
    }
}

/// The pool of a client's [`RetryBudget`].
#[derive(Debug)]
pub(crate) struct Pool {
    budget: RetryBudget,
    tokens: AtomicU32,
}

impl Pool {
    pub(crate) fn new(budget: RetryBudget) -> Self {
        Pool {
            tokens: AtomicU32::new(budget.capacity),
            budget,
        }
    }

    /// Tokens left.
    pub(crate) fn tokens(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    /// Takes the cost of one retry; `None` when the pool cannot pay for it (nothing taken).
    pub(crate) fn withdraw(&self, after_timeout: bool) -> Option<u32> {
        let cost = if after_timeout {
            self.budget.timeout_cost
        } else {
            self.budget.retry_cost
        };
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .ok()
            .map(|_| cost)
    }

    /// A call succeeded after its retries took `taken` tokens (0: it needed none).
    pub(crate) fn succeeded(&self, taken: u32) {
        let refund = if taken == 0 {
            self.budget.success_refund
        } else {
            taken
        };
        let capacity = self.budget.capacity;
        // The usual case, a full pool: nothing to write.
        if self.tokens.load(Ordering::Relaxed) >= capacity {
            return;
        }
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(refund).min(capacity))
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_stop_when_the_pool_is_spent_and_successes_refill_it() {
        let pool = Pool::new(RetryBudget {
            capacity: 12,
            retry_cost: 5,
            timeout_cost: 10,
            success_refund: 1,
        });
        assert_eq!(pool.withdraw(false), Some(5));
        assert_eq!(pool.withdraw(false), Some(5));
        assert_eq!(pool.withdraw(false), None, "2 tokens left");
        assert_eq!(pool.withdraw(true), None);
        assert_eq!(pool.tokens(), 2);
        pool.succeeded(5);
        assert_eq!(pool.tokens(), 7);
        pool.succeeded(0);
        assert_eq!(pool.tokens(), 8);
        for _ in 0..20 {
            pool.succeeded(0);
        }
        assert_eq!(pool.tokens(), 12, "never above capacity");
        assert_eq!(pool.withdraw(true), Some(10));
    }
}
