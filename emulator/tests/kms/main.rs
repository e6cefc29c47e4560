//! End-to-end tests of the emulator's KMS over real sockets on 127.0.0.1,
//! through the official `aws-sdk-kms` client.
//!
//! All tests share one binary, so the AWS SDK is linked once.
//!
//! - `sdk` drives every operation within one account.
//! - `cross_account` covers key ARNs, alias ARNs and bare ids from another
//!   account and region, grants, and key policies under each profile.
//! - `independent` checks the emulator's cryptography with other
//!   implementations: `openssl` for signatures, RSA-OAEP and AES, and
//!   RustCrypto's `hmac` for HMAC.
//! - `import` imports key material wrapped by `openssl`, and recomputes
//!   GenerateMac's output with RustCrypto's `hmac`.
//! - `bad_input` has one test per kind of invalid request.

mod bad_input;
mod common;
mod cross_account;
mod import;
mod independent;
mod sdk;
