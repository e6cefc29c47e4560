//! The matrix catalogs against real peer emulators: moto and LocalStack.
//!
//! Each test runs one catalog of `scenarios/matrix/` (SQS, KMS, SNS,
//! Secrets Manager, S3 or Lambda) against a peer running on loopback and compares the
//! cells with the insta snapshot
//! `snapshots/peers/<service>@<peer>-<profile>.snap`. A snapshot records what the
//! peer does, gaps included, so a test fails when the peer's behaviour or the
//! catalog changes, not because the peer differs from a profile.
//!
//! The tests are ignored by default because they need a running peer.
//! `.ci/run` installs and starts each peer with `.ci/peers/moto.sh` or
//! `.ci/peers/localstack.sh` and then runs, for example:
//!
//! ```text
//! CROSSCHECK_MOTO_ENDPOINT=http://127.0.0.1:15000 \
//!     cargo test -p crosscheck --test peers -- --ignored moto_
//! ```
//!
//! The endpoint variable names the peer's URL; the account strategy comes
//! from the peer's entry in `.ci/peers/targets.yaml`. A test whose variable is
//! unset prints that it is skipped and passes. A test whose peer does not
//! respond, or does not put each actor in its own account, fails with the
//! preflight check's message. Record new snapshots with `INSTA_UPDATE=always`
//! and read every change before committing it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crosscheck::driver::Registry;
use crosscheck::generate::case::Service;
use crosscheck::generate::explore::{ExploreOptions, Explorer};
use crosscheck::matrix::run::{MatrixOptions, run_matrix};
use crosscheck::matrix::{BOUNDARIES, Catalog};
use crosscheck::report::matrix::{CellVerdict, MatrixRun};
use crosscheck::snapshot::MatrixSnapshot;
use crosscheck::target::file::{check_endpoint_url, load_target_file};
use crosscheck::target::{PreflightActor, TargetSpec, preflight};
use crosscheck_emulator::access::Profile;
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A peer emulator the tests can run against.
struct Peer {
    /// The target's name in `.ci/peers/targets.yaml` and in snapshot names.
    name: &'static str,
    /// The environment variable that contains the peer's endpoint URL.
    endpoint_variable: &'static str,
    /// The peer's software and version, as its script in `.ci/peers/` installs it.
    software: &'static str,
    /// The script that installs and starts the peer.
    script: &'static str,
    /// The path of the peer's endpoint that empties all its state, if it has one.
    reset_path: Option<&'static str>,
}

const MOTO: Peer = Peer {
    name: "moto",
    endpoint_variable: "CROSSCHECK_MOTO_ENDPOINT",
    software: "moto[server] 5.2.5",
    script: ".ci/peers/moto.sh",
    reset_path: Some("/moto-api/reset"),
};

const LOCALSTACK: Peer = Peer {
    name: "localstack",
    endpoint_variable: "CROSSCHECK_LOCALSTACK_ENDPOINT",
    software: "localstack-core 2026.3.0 (hypercorn gateway, IAM not enforced)",
    script: ".ci/peers/localstack.sh",
    reset_path: None,
};

/// Held by each test while it runs its catalog, so that one test's reset of
/// a peer never empties the peer under another test's cells.
static PEER_RUNS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Cells in flight at once, the number `crosscheck run` uses for a live target.
const CONCURRENT_CELLS: usize = 4;

fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Returns the peer's endpoint from its variable, or `None` when the variable
/// is unset or empty. Panics on a URL that is malformed or not on loopback,
/// because these tests send traffic only to peers started on this machine.
fn endpoint_from_env(peer: &Peer) -> Option<String> {
    let value = std::env::var(peer.endpoint_variable).ok().filter(|value| !value.is_empty())?;
    if let Err(problem) = check_endpoint_url(&value) {
        panic!("{}={value:?} is not a valid endpoint URL: {problem}", peer.endpoint_variable);
    }
    let loopback = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"];
    assert!(
        loopback.iter().any(|prefix| value.starts_with(prefix)),
        "{}={value:?} is not on loopback; the peer tests only call peers on 127.0.0.1, localhost or [::1]",
        peer.endpoint_variable
    );
    Some(value)
}

/// Builds the peer's target from `.ci/peers/targets.yaml`, with `endpoint`
/// in place of the file's endpoint.
fn peer_target(peer: &Peer, endpoint: &str) -> TargetSpec {
    let path = workspace_root().join(".ci/peers/targets.yaml");
    let file = load_target_file(&path).unwrap_or_else(|error| panic!("{} does not load: {error}", path.display()));
    let mut config = file
        .find(peer.name)
        .unwrap_or_else(|| panic!("{} has no target named {}", path.display(), peer.name))
        .clone();
    config.endpoint_url = Some(endpoint.to_owned());
    TargetSpec::live(config)
}

/// Loads the matrix catalog `scenarios/matrix/<service>.yaml`.
fn load_catalog(service: &str, registry: &Registry) -> Catalog {
    let file_name = format!("{service}.yaml");
    let path = workspace_root().join("scenarios/matrix").join(&file_name);
    crosscheck::matrix::load_file(&path, &file_name, registry)
        .unwrap_or_else(|error| panic!("the catalog {} does not load: {error}", path.display()))
}

/// Empties the peer's state through its reset endpoint, when it has one.
///
/// A peer keeps what earlier runs created: the `crosscheck run` step of
/// `.ci/run` runs the same catalogs against it first. In one CI run, moto
/// 5.2.5 returned HTTP 500 from ListKeys after those runs had left keys
/// behind, so the ListKeys cells depended on what ran before.
async fn reset_peer(peer: &Peer, endpoint: &str) {
    let Some(path) = peer.reset_path else {
        return;
    };
    let authority = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let request = format!("POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(authority).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    let response = tokio::time::timeout(std::time::Duration::from_secs(30), exchange)
        .await
        .unwrap_or_else(|_| panic!("{} at {endpoint} did not answer POST {path} within 30 s", peer.name))
        .unwrap_or_else(|error| panic!("POST {path} to {} at {endpoint} failed: {error}", peer.name));
    let status_line = String::from_utf8_lossy(&response).lines().next().unwrap_or_default().to_owned();
    assert!(
        status_line.starts_with("HTTP/1.1 200") || status_line.starts_with("HTTP/1.0 200"),
        "POST {path} to {} at {endpoint} answered {status_line:?}, not 200",
        peer.name
    );
}

/// Fails with the preflight check's message unless the peer responds and
/// every matrix caller acts in its own account.
async fn require_preflight(peer: &Peer, target: &TargetSpec, catalog: &Catalog, endpoint: &str) {
    let actors: Vec<PreflightActor> = BOUNDARIES
        .into_iter()
        .map(|boundary| PreflightActor {
            label: format!("{boundary} caller in matrix/{}", catalog.id),
            actor: catalog.caller(boundary),
        })
        .collect();
    if let Err(error) = preflight(target, &actors).await {
        panic!(
            "{error}\n{}={endpoint} is set, but the peer there cannot run the matrix. \
             Start {} with `{} install DIR && {} start DIR PORT`, or unset the variable to skip this test.",
            peer.endpoint_variable, peer.software, peer.script, peer.script
        );
    }
}

/// Returns a prefix for the cells' unique names that no earlier run against
/// the same peer used, because a live peer keeps its queues and aliases
/// between runs.
fn run_name_prefix(profile: Profile) -> String {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let (seconds, nanos) = (since_epoch.as_secs(), since_epoch.subsec_nanos());
    let short_profile = match profile {
        Profile::Localstack => "ls",
        Profile::LocalstackEnforceIam => "lsi",
        Profile::Aws => "aws",
    };
    format!("cc-peer-{short_profile}-{:x}{:x}", seconds % 0x10_0000, nanos % 0x1000)
}

/// The snapshot of one peer run: the matrix cells, plus the reasons of the
/// cells that returned the expected outcome class but still differ (a
/// response without the expected members, say), which the cells alone do not show.
#[derive(Debug, Serialize)]
struct PeerSnapshot {
    #[serde(flatten)]
    matrix: MatrixSnapshot,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    differences_within_class: Vec<String>,
}

impl PeerSnapshot {
    fn of(run: &MatrixRun, service: &str, name_prefix: &str) -> PeerSnapshot {
        let mut differences_within_class = Vec::new();
        for cell in &run.cells {
            let Some(observed) = &cell.observed else {
                continue;
            };
            if cell.verdict != CellVerdict::Differs || cell.expected.class != Some(observed.class) {
                continue;
            }
            let address = cell.address.map_or("none", |kind| kind.as_str());
            let reasons = redact_secret_suffixes(&cell.reasons.join("; ").replace(name_prefix, "<name-prefix>"));
            differences_within_class.push(format!(
                "{} by {address} from {}: {reasons}",
                cell.operation, cell.boundary
            ));
        }
        PeerSnapshot { matrix: MatrixSnapshot::of(run, service), differences_within_class }
    }
}

/// Replaces the six random characters that end each secret ARN with
/// `<suffix>`, so that a reason quoting a secret ARN is the same in every run.
fn redact_secret_suffixes(text: &str) -> String {
    const MARKER: &str = ":secret:";
    let mut redacted = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(MARKER) {
        let name_start = start + MARKER.len();
        let name_len = rest[name_start..]
            .find(|character: char| !(character.is_ascii_alphanumeric() || "/_+=.@-<>".contains(character)))
            .unwrap_or(rest.len() - name_start);
        let name = &rest[name_start..name_start + name_len];
        redacted.push_str(&rest[..name_start]);
        match name.len().checked_sub(7).map(|dash| name.split_at(dash)) {
            Some((base, suffix))
                if suffix.starts_with('-') && suffix[1..].chars().all(|character| character.is_ascii_alphanumeric()) =>
            {
                redacted.push_str(base);
                redacted.push_str("-<suffix>");
            }
            _ => redacted.push_str(name),
        }
        rest = &rest[name_start + name_len..];
    }
    redacted.push_str(rest);
    redacted
}

fn assert_peer_snapshot(peer: &Peer, service: &str, run: &MatrixRun, name_prefix: &str) {
    let catalog_path = format!("scenarios/matrix/{service}.yaml");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(workspace_root().join("snapshots/peers"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_suffix(format!("{}-{}", peer.name, run.profile));
    settings.set_input_file(Path::new(&catalog_path));
    settings.set_description(format!(
        "matrix/{service}.yaml under profile {} against {}, account strategy {}",
        run.profile, peer.software, run.target.account_strategy
    ));
    settings.set_omit_expression(true);

    let record = PeerSnapshot::of(run, service, name_prefix);
    settings.bind(|| insta::assert_yaml_snapshot!(service, record));
}

/// Runs the matrix catalog of `service` under `profile`
/// against `peer` and compares it with the peer's snapshot. Prints that the
/// test is skipped, and returns, when the peer's variable is unset.
async fn check_peer_matrix(peer: &Peer, service: &str, profile: Profile) {
    let Some(endpoint) = endpoint_from_env(peer) else {
        eprintln!(
            "skipped: {} is not set, so {} is not checked. Start it with `{} start DIR PORT` \
             and set {}=http://127.0.0.1:PORT to run this test.",
            peer.endpoint_variable, peer.software, peer.script, peer.endpoint_variable
        );
        return;
    };

    let registry = Arc::new(Registry::with_default_drivers());
    let catalog = load_catalog(service, &registry);
    assert!(catalog.rules(profile).is_some(), "the {service} catalog states profile {profile}");
    let target = peer_target(peer, &endpoint);
    let _only_run = PEER_RUNS.lock().await;
    reset_peer(peer, &endpoint).await;
    require_preflight(peer, &target, &catalog, &endpoint).await;

    let name_prefix = run_name_prefix(profile);
    let options = MatrixOptions { concurrency: CONCURRENT_CELLS, name_prefix: name_prefix.clone(), preflight: None };
    let run = run_matrix(&[Arc::new(catalog)], profile, &target, registry, &options)
        .await
        .unwrap_or_else(|error| panic!("the matrix run against {} at {endpoint} failed: {error}", peer.name));
    eprintln!(
        "{} at {endpoint}, matrix/{service}.yaml under {profile}: {} of {} cells conform",
        peer.name,
        run.totals().conforming,
        run.cells.len()
    );
    assert_peer_snapshot(peer, service, &run, &name_prefix);
}

/// The generated cases `moto_explore_under_localstack` runs, and their seed,
/// over the services `crosscheck explore` covers by default, which leave out
/// Lambda. `.ci/run`'s `crosscheck explore` line uses the same values.
const EXPLORE_CASES: u32 = 80;
const EXPLORE_SEED: u64 = 9;

/// Runs `crosscheck explore`'s generated worlds against `peer` and compares
/// the counts of disagreement kinds with the snapshot
/// `snapshots/peers/explore@<peer>-<profile>.snap`. Counterexamples are not
/// shrunk, because the snapshot records only the counts.
async fn check_peer_explore(peer: &Peer, profile: Profile) {
    let Some(endpoint) = endpoint_from_env(peer) else {
        eprintln!("skipped: {} is not set, so {} is not explored", peer.endpoint_variable, peer.software);
        return;
    };
    let target = peer_target(peer, &endpoint);
    let _only_run = PEER_RUNS.lock().await;
    reset_peer(peer, &endpoint).await;

    let registry = Registry::with_default_drivers();
    let options = ExploreOptions {
        cases: EXPLORE_CASES,
        seed: EXPLORE_SEED,
        profile,
        services: Service::IN_PROCESS.to_vec(),
        max_shrink_runs: 0,
    };
    let mut explorer = Explorer::new(options, &target, None, &registry);
    let report = explorer
        .run(|_| {})
        .await
        .unwrap_or_else(|error| panic!("exploring {} at {endpoint} failed: {error}", peer.name));

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(workspace_root().join("snapshots/peers"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_suffix(format!("{}-{profile}", peer.name));
    settings.set_description(format!(
        "crosscheck explore --cases {EXPLORE_CASES} --seed {EXPLORE_SEED} --profile {profile} against {}: cases per disagreement kind",
        peer.software
    ));
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("explore", report.summary()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs moto running; set CROSSCHECK_MOTO_ENDPOINT (.ci/run does)"]
async fn moto_explore_under_localstack() {
    check_peer_explore(&MOTO, Profile::Localstack).await;
}

/// Declares one ignored test per catalog and profile for a peer, named
/// `<peer>_<service>_matrix_under_<profile>`, so that `--ignored moto_`
/// selects every moto test.
#[test]
fn secret_suffixes_are_redacted() {
    let reason = r#"ARN: expected "arn:aws:secretsmanager:ap-south-1:111111111111:secret:<name-prefix>-016-rKmVCb", found "x""#;
    let expected = r#"ARN: expected "arn:aws:secretsmanager:ap-south-1:111111111111:secret:<name-prefix>-016-<suffix>", found "x""#;
    assert_eq!(redact_secret_suffixes(reason), expected);
    assert_eq!(redact_secret_suffixes("no secret here"), "no secret here");
    assert_eq!(redact_secret_suffixes("arn:aws:secretsmanager:r:1:secret:ab"), "arn:aws:secretsmanager:r:1:secret:ab");
}

macro_rules! peer_tests {
    ($peer:ident, $reason:literal, [$(($name:ident, $service:literal, $profile:expr)),+ $(,)?]) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = $reason]
            async fn $name() {
                check_peer_matrix(&$peer, $service, $profile).await;
            }
        )+
    };
}

peer_tests!(MOTO, "needs moto running; set CROSSCHECK_MOTO_ENDPOINT (.ci/run does)", [
    (moto_sqs_matrix_under_localstack, "sqs", Profile::Localstack),
    (moto_sqs_matrix_under_aws, "sqs", Profile::Aws),
    (moto_kms_matrix_under_localstack, "kms", Profile::Localstack),
    (moto_kms_matrix_under_aws, "kms", Profile::Aws),
    (moto_sns_matrix_under_localstack, "sns", Profile::Localstack),
    (moto_sns_matrix_under_aws, "sns", Profile::Aws),
    (moto_secretsmanager_matrix_under_localstack, "secretsmanager", Profile::Localstack),
    (moto_secretsmanager_matrix_under_aws, "secretsmanager", Profile::Aws),
    (moto_s3_matrix_under_localstack, "s3", Profile::Localstack),
    (moto_s3_matrix_under_aws, "s3", Profile::Aws),
    (moto_lambda_matrix_under_localstack, "lambda", Profile::Localstack),
    (moto_lambda_matrix_under_aws, "lambda", Profile::Aws),
]);

peer_tests!(LOCALSTACK, "needs LocalStack running; set CROSSCHECK_LOCALSTACK_ENDPOINT (.ci/run does)", [
    (localstack_sqs_matrix_under_localstack, "sqs", Profile::Localstack),
    (localstack_sqs_matrix_under_aws, "sqs", Profile::Aws),
    (localstack_kms_matrix_under_localstack, "kms", Profile::Localstack),
    (localstack_kms_matrix_under_aws, "kms", Profile::Aws),
    (localstack_sns_matrix_under_localstack, "sns", Profile::Localstack),
    (localstack_sns_matrix_under_aws, "sns", Profile::Aws),
    (localstack_secretsmanager_matrix_under_localstack, "secretsmanager", Profile::Localstack),
    (localstack_secretsmanager_matrix_under_aws, "secretsmanager", Profile::Aws),
    (localstack_s3_matrix_under_localstack, "s3", Profile::Localstack),
    (localstack_s3_matrix_under_aws, "s3", Profile::Aws),
    (localstack_lambda_matrix_under_localstack, "lambda", Profile::Localstack),
    (localstack_lambda_matrix_under_aws, "lambda", Profile::Aws),
]);
