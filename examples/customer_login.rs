//! A customer login flow, as a Rebilly integration would write it:
//! log in with username and password, exchange the token for a customer JWT, verify the
//! token, list credentials page by page, and log out.
//!
//! Configuration, from the environment:
//! - `REBILLY_API_KEY`: your secret API key (required);
//! - `REBILLY_ORGANIZATION_ID`: your organization (required for the sandbox and live);
//! - `REBILLY_BASE_URL`: optional; defaults to the sandbox. For a mock server that serves the
//!   API at its root (such as Prism), set it and leave `REBILLY_ORGANIZATION_ID` unset;
//! - `REBILLY_CUSTOMER_USERNAME`, `REBILLY_CUSTOMER_PASSWORD`: the customer's credential.
//!
//! ```sh
//! REBILLY_API_KEY=sk_sandbox_... REBILLY_ORGANIZATION_ID=my-org \
//! REBILLY_CUSTOMER_USERNAME=jane@example.com REBILLY_CUSTOMER_PASSWORD=... \
//!   cargo run --example customer_login
//! ```

use std::env;

use rebilly_customer_auth::types::{AuthenticationTokenPasswordMode, CustomerJwt};
use rebilly_customer_auth::{Client, Credentials};

/// How many pages of credentials the demo prints at most.
const MAX_PAGES: usize = 3;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name: &str| env::var(name).ok().filter(|v| !v.is_empty());
    let api_key = var("REBILLY_API_KEY").ok_or("set REBILLY_API_KEY to your secret API key")?;
    let mut builder = Client::builder().secret_api_key(api_key);
    builder = match var("REBILLY_BASE_URL") {
        Some(url) => builder.base_url(url),
        None => builder.sandbox(),
    };
    if let Some(org) = var("REBILLY_ORGANIZATION_ID") {
        builder = builder.organization_id(org);
    }
    let client = builder.build()?;
    let auth = client.customer_authentication();

    let username = var("REBILLY_CUSTOMER_USERNAME").unwrap_or_else(|| "jane@example.com".into());
    let password =
        var("REBILLY_CUSTOMER_PASSWORD").unwrap_or_else(|| "correct horse battery staple".into());
    let login = auth
        .login(AuthenticationTokenPasswordMode::new(username, password).into())
        .await?;
    let token = login
        .token
        .clone()
        .ok_or("the login response has no token")?;
    println!(
        "logged in as {} (token expires {:?})",
        login.username,
        login.expired_time.flatten()
    );

    // Keep the authentication token valid after the exchange, so that it can still be verified.
    let mut exchange = CustomerJwt::new();
    exchange.invalidate = Some(false);
    let jwt = auth.exchange_token(&token, exchange).await?;
    println!(
        "exchanged the token for a customer JWT (expires {:?})",
        jwt.expired_time
    );
    let _customer = client.with_credentials(Credentials::jwt(jwt.token.unwrap_or_default()));

    let verified = auth.verify(&token).await?;
    println!("verified the token of {}", verified.username);

    let mut offset = 0;
    for number in 1..=MAX_PAGES {
        let page = auth.get_all_credentials().limit(10).offset(offset).await?;
        println!(
            "credentials page {number}: {} of {:?}",
            page.items.len(),
            page.total
        );
        for credential in &page.items {
            println!(
                "  {} {}",
                credential.id.as_deref().unwrap_or("?"),
                credential.username
            );
        }
        match page.next_offset() {
            Some(next) => offset = next as i64,
            None => break,
        }
    }

    auth.logout(&token).await?;
    println!("logged out");
    Ok(())
}
