//! Macros that fill in the code every SDK driver shares: the [`Driver`]
//! implementation around a service's client, and the fill-send-render
//! sequence of one operation.
//!
//! [`Driver`]: super::Driver

/// Implements [`Driver`](super::Driver) for `$driver` on the SDK crate `$sdk`.
///
/// Each call checks the input against `$operations`, builds the crate's
/// client with a [`StatusRecorder`](super::StatusRecorder) interceptor, runs
/// `$call(&client, operation, input, &recorder)` and, in debug builds, checks
/// the rendered output against the declared output shape.
///
/// An optional `configure` function, called with the crate's config builder
/// and the actor's [`SdkConfig`](aws_config::SdkConfig), adjusts the builder
/// before the client is built, e.g. to choose S3's path style.
///
/// After `configure`, an optional `presign` function with the
/// `presigned_operations` it supports implements
/// [`Driver::presign`](super::Driver::presign):
/// `$presign(&client, operation, input)` returns the presigned request as a
/// [`presigned_outcome`](super::presigned_outcome).
macro_rules! sdk_driver {
    ($driver:ty, service: $service:literal, operations: $operations:expr, sdk: $sdk:ident, call: $call:path) => {
        sdk_driver!(
            $driver,
            service: $service,
            operations: $operations,
            sdk: $sdk,
            call: $call,
            configure: |builder, _config| builder
        );
    };
    (
        $driver:ty,
        service: $service:literal,
        operations: $operations:expr,
        sdk: $sdk:ident,
        call: $call:path,
        configure: $configure:expr
        $(, presign: $presign:path, presigned_operations: $presigned:expr)?
    ) => {
        impl $crate::driver::Driver for $driver {
            fn service(&self) -> &'static str {
                $service
            }

            fn operations(&self) -> &'static [$crate::driver::Operation] {
                $operations
            }

            fn call<'a>(
                &'a self,
                config: &'a ::aws_config::SdkConfig,
                operation: &'a str,
                input: &'a ::serde_json::Map<String, ::serde_json::Value>,
            ) -> $crate::driver::CallFuture<'a> {
                Box::pin(async move {
                    let declared = $crate::driver::check_input($operations, operation, input)?;
                    let recorder = $crate::driver::StatusRecorder::default();
                    let builder = $sdk::config::Builder::from(config).interceptor(recorder.clone());
                    let client_config = ($configure)(builder, config).build();
                    let client = $sdk::Client::from_conf(client_config);
                    let outcome = $call(&client, operation, $crate::driver::Input::new(input), &recorder).await?;
                    $crate::driver::debug_check_output(declared, &outcome);
                    Ok(outcome)
                })
            }

            $(
                fn presigned_operations(&self) -> &'static [&'static str] {
                    $presigned
                }

                fn presign<'a>(
                    &'a self,
                    config: &'a ::aws_config::SdkConfig,
                    operation: &'a str,
                    input: &'a ::serde_json::Map<String, ::serde_json::Value>,
                ) -> $crate::driver::CallFuture<'a> {
                    Box::pin(async move {
                        $crate::driver::check_input($operations, operation, input)?;
                        let builder = $sdk::config::Builder::from(config);
                        let client = $sdk::Client::from_conf(($configure)(builder, config).build());
                        $presign(&client, operation, $crate::driver::Input::new(input)).await
                    })
                }
            )?
        }
    };
}

/// Sets members of an SDK fluent builder from the step input, sends it, and
/// turns the result into an [`Outcome`](crate::outcome::Outcome).
///
/// Each `setter: reader("Member")` calls `builder.setter(input.reader("Member")?)`,
/// so `reader` is a method of [`Input`](super::Input) or of a trait the
/// driver implements on it. `$render` turns the SDK output into JSON.
///
/// ```ignore
/// send!(recorder, client.describe_secret(), input { set_secret_id: string("SecretId") }, describe_json)
/// ```
macro_rules! send {
    ($recorder:expr, $builder:expr, $input:ident { $($setter:ident: $reader:ident($member:literal)),* $(,)? }, $render:expr) => {{
        let result = $builder $(.$setter($input.$reader($member)?))* .send().await;
        $crate::driver::outcome_of(result, $recorder, $render)
    }};
}
