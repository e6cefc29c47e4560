//! `crosscheck policy`: evaluate and analyze IAM policy documents from files.
//!
//! `crosscheck policy eval` decides one request the way AWS's documented
//! evaluation logic does
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>)
//! and prints the decision, the step of the flow that settled it, and the
//! statements that matched in each policy file. Its exit status is 0 when
//! the request is allowed, 1 when it is denied, and 2 when the input is
//! unusable (a file that cannot be read, a malformed policy, a bad option).
//!
//! The request is checked before it is decided: the action must have the
//! `service:Action` form, the resource must be one ARN without wildcards (or
//! `*` for actions without a resource), and `aws:SourceIp` must be an IP
//! address. `aws:CurrentTime` and `aws:EpochTime`, which AWS includes in
//! every request
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>),
//! default to the time of the run. Condition operators read a `--context`
//! value in their own type, and `BinaryEquals` reads it as base64.
//!
//! `crosscheck policy analyze` lists who outside the owner's account a
//! resource-based policy lets in and what each may do, like the
//! external-access findings of IAM Access Analyzer. Its exit status is 0
//! when the policy grants nothing outside the account, 1 when it reports
//! external access, and 2 when the input is unusable, so a script can fail
//! on any external grant.
//!
//! Both print plain text, or JSON with `--json`. Errors go to stderr and
//! name the file and, for a malformed policy, the offending element.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use crosscheck_policy::{
    ActionUniverse, Analysis, Condition, ContextValue, Decision, Evaluation, Finding, Grant, GrantedActions, Policy,
    PolicySet, PolicyType, Principal, PrincipalKind, Request, ResourceClause, analyze, evaluate,
};
use serde_json::{Value, json};

use super::{EXIT_DIFFERS, EXIT_SUCCESS, EXIT_USAGE};

/// Options of `crosscheck policy`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

/// The `crosscheck policy` subcommands.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Decide one request under the given policies and print why. Exit status: 0 allowed, 1 denied, 2 invalid input.
    Eval(EvalArgs),
    /// List the principals outside the owner's account that a resource-based policy grants access to. Exit status: 0 no external access, 1 external access found, 2 invalid input.
    Analyze(AnalyzeArgs),
}

/// Options of `crosscheck policy eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Identity-based policy of the caller, a JSON file. Repeat for several.
    #[arg(long = "identity-policy", value_name = "FILE")]
    pub identity_policies: Vec<PathBuf>,

    /// Resource-based policy of the resource, a JSON file.
    #[arg(long, value_name = "FILE")]
    pub resource_policy: Option<PathBuf>,

    /// Permissions boundary of the caller, a JSON file.
    #[arg(long, value_name = "FILE")]
    pub permissions_boundary: Option<PathBuf>,

    /// Session policy of the caller's session, a JSON file. Repeat for several.
    #[arg(long = "session-policy", value_name = "FILE")]
    pub session_policies: Vec<PathBuf>,

    /// Service control policy of the caller's account, a JSON file. Repeat for several.
    #[arg(long = "service-control-policy", value_name = "FILE")]
    pub service_control_policies: Vec<PathBuf>,

    /// Resource control policy of the resource's account, a JSON file. Repeat for several.
    #[arg(long = "resource-control-policy", value_name = "FILE")]
    pub resource_control_policies: Vec<PathBuf>,

    /// The caller: an account root, IAM user, assumed-role or federated-user ARN, a 12-digit account id for its root user, or a service principal such as sns.amazonaws.com.
    #[arg(long, value_name = "ARN")]
    pub principal: String,

    /// The action in service:Action form, such as sqs:SendMessage.
    #[arg(long)]
    pub action: String,

    /// The ARN of the resource the action is on, without wildcards, or * for an action that takes no resource.
    #[arg(long, value_name = "ARN")]
    pub resource: String,

    /// The account that owns the resource. Defaults to the account in the resource ARN.
    #[arg(long, value_name = "ACCOUNT")]
    pub resource_account: Option<String>,

    /// A request context key and value, such as aws:SourceIp=192.0.2.1. Repeat a key to give it several values. aws:SourceIp must be an IP address; a value compared with BinaryEquals is read as base64. aws:CurrentTime and aws:EpochTime default to the current time.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,

    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options of `crosscheck policy analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The resource-based policy, a JSON file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The 12-digit account that owns the resource.
    #[arg(long, value_name = "ACCOUNT")]
    pub owner: String,

    /// Expand wildcard actions into this service's actions. Only sqs is built in.
    #[arg(long, value_name = "SERVICE")]
    pub action_universe: Option<String>,

    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `crosscheck policy` subcommand and returns its exit status.
pub fn run(args: PolicyArgs) -> ExitCode {
    let status = match args.command {
        PolicyCommand::Eval(args) => eval(&args),
        PolicyCommand::Analyze(args) => analyze_file(&args),
    };
    ExitCode::from(status)
}

/// A policy read from a file, labelled by its path.
struct LoadedPolicy {
    label: String,
    policy: Policy,
}

/// Reads and parses one policy file, or returns the error message to print.
fn load_policy(path: &Path, option: &str, policy_type: PolicyType) -> Result<LoadedPolicy, String> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read {option} {label}: {error}"))?;
    let policy = Policy::parse(&text, policy_type).map_err(|error| format!("{label}: invalid policy: {error}"))?;
    Ok(LoadedPolicy { label, policy })
}

fn load_all(paths: &[PathBuf], option: &str, policy_type: PolicyType) -> Result<Vec<LoadedPolicy>, String> {
    paths.iter().map(|path| load_policy(path, option, policy_type)).collect()
}

/// The policy files `eval` was given, parsed.
struct EvalPolicies {
    identity: Vec<LoadedPolicy>,
    resource: Option<LoadedPolicy>,
    permissions_boundary: Option<LoadedPolicy>,
    session: Vec<LoadedPolicy>,
    service_control: Vec<LoadedPolicy>,
    resource_control: Vec<LoadedPolicy>,
}

impl EvalPolicies {
    fn load(args: &EvalArgs) -> Result<EvalPolicies, String> {
        let optional = |path: &Option<PathBuf>, option: &str, policy_type| {
            path.as_deref().map(|path| load_policy(path, option, policy_type)).transpose()
        };
        Ok(EvalPolicies {
            identity: load_all(&args.identity_policies, "--identity-policy", PolicyType::Identity)?,
            resource: optional(&args.resource_policy, "--resource-policy", PolicyType::Resource)?,
            permissions_boundary: optional(&args.permissions_boundary, "--permissions-boundary", PolicyType::Identity)?,
            session: load_all(&args.session_policies, "--session-policy", PolicyType::Identity)?,
            service_control: load_all(&args.service_control_policies, "--service-control-policy", PolicyType::Identity)?,
            resource_control: load_all(
                &args.resource_control_policies,
                "--resource-control-policy",
                PolicyType::Resource,
            )?,
        })
    }

    fn policy_set(&self) -> PolicySet<'_> {
        let mut set = PolicySet::new();
        for loaded in &self.identity {
            set = set.with_identity(&loaded.label, &loaded.policy);
        }
        if let Some(loaded) = &self.resource {
            set = set.with_resource(&loaded.label, &loaded.policy);
        }
        if let Some(loaded) = &self.permissions_boundary {
            set = set.with_permissions_boundary(&loaded.label, &loaded.policy);
        }
        for loaded in &self.session {
            set = set.with_session(&loaded.label, &loaded.policy);
        }
        for loaded in &self.service_control {
            set = set.with_service_control(&loaded.label, &loaded.policy);
        }
        for loaded in &self.resource_control {
            set = set.with_resource_control(&loaded.label, &loaded.policy);
        }
        set
    }
}

fn eval(args: &EvalArgs) -> u8 {
    let prepared = build_request(args).and_then(|request| Ok((request, EvalPolicies::load(args)?)));
    let (request, policies) = match prepared {
        Ok(prepared) => prepared,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };

    let evaluation = evaluate(&request, &policies.policy_set());
    if args.json {
        println!("{}", eval_json(&request, &evaluation));
    } else {
        print!("{}", eval_text(&request, &evaluation));
    }

    if evaluation.decision == Decision::Allowed {
        EXIT_SUCCESS
    } else {
        EXIT_DIFFERS
    }
}

/// Context keys whose values must be IP addresses.
const IP_ADDRESS_KEYS: [&str; 2] = ["aws:SourceIp", "aws:VpcSourceIp"];

/// Builds the request from the command line, or returns the error message to print.
fn build_request(args: &EvalArgs) -> Result<Request, String> {
    let principal = parse_principal(&args.principal)?;
    check_action(&args.action)?;
    check_resource(&args.resource)?;
    let resource_account = match &args.resource_account {
        Some(account_id) => account_id.clone(),
        None => account_in_arn(&args.resource).ok_or_else(|| {
            format!(
                "the resource {:?} names no account; give the owning account with --resource-account",
                args.resource
            )
        })?,
    };

    let mut request = Request::new(principal, args.action.as_str(), args.resource.as_str(), resource_account);
    add_current_time(&mut request, SystemTime::now());
    for (key, values) in parse_context(&args.context)? {
        request.context.insert_values(key, values);
    }
    Ok(request)
}

/// Parses `--principal`: a principal ARN, a 12-digit account id, or a service principal name.
fn parse_principal(text: &str) -> Result<Principal, String> {
    if is_service_principal(text) {
        return Ok(Principal::service(text));
    }
    Principal::from_arn(text).map_err(|error| {
        format!("--principal: {error}; a service principal has the form NAME.amazonaws.com, such as sns.amazonaws.com")
    })
}

/// Reports whether `text` is a service principal name such as `sns.amazonaws.com`
/// (or `.amazonaws.com.cn` in the China partition).
fn is_service_principal(text: &str) -> bool {
    let Some(name) = text.strip_suffix(".amazonaws.com").or_else(|| text.strip_suffix(".amazonaws.com.cn")) else {
        return false;
    };
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        })
}

/// Checks that `--action` names one action as `service:Action`.
fn check_action(action: &str) -> Result<(), String> {
    let invalid = |reason: &str| {
        format!("invalid --action {action:?}: {reason}; expected service:Action, such as sqs:SendMessage")
    };
    let Some((service, name)) = action.split_once(':') else {
        return Err(invalid("the service prefix is missing"));
    };
    if service.is_empty() || name.is_empty() || name.contains(':') {
        return Err(invalid("expected one service prefix and one action name"));
    }
    if action.contains(['*', '?']) {
        return Err(invalid("a request names one action, so wildcards are not allowed"));
    }
    if action.chars().any(char::is_whitespace) {
        return Err(invalid("whitespace is not allowed"));
    }
    Ok(())
}

/// Checks that `--resource` is `*` or one ARN without wildcards.
///
/// NOTE: an S3 object key may contain `*` or `?`, but such a resource is
/// rejected here because the check applies to every service alike.
fn check_resource(resource: &str) -> Result<(), String> {
    if resource == "*" {
        return Ok(());
    }
    if resource.splitn(6, ':').count() < 6 || !resource.starts_with("arn:") {
        return Err(format!(
            "invalid --resource {resource:?}: expected an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE) or *"
        ));
    }
    if resource.contains(['*', '?']) {
        return Err(format!(
            "invalid --resource {resource:?}: a request is on one resource, so wildcards are not allowed"
        ));
    }
    Ok(())
}

/// Sets `aws:CurrentTime` and `aws:EpochTime` to `now`. Values given with
/// `--context` replace them.
fn add_current_time(request: &mut Request, now: SystemTime) {
    let epoch_seconds = now.duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
    request.context.insert("aws:CurrentTime", now);
    request.context.insert("aws:EpochTime", ContextValue::Number(epoch_seconds as f64));
}

/// Groups the `--context` entries by key, matched case-insensitively, and
/// types the values of IP address keys.
fn parse_context(entries: &[String]) -> Result<Vec<(String, Vec<ContextValue>)>, String> {
    let mut keys: Vec<(String, Vec<ContextValue>)> = Vec::new();
    for entry in entries {
        let Some((key, text)) = entry.split_once('=') else {
            return Err(format!("invalid --context {entry:?}: expected KEY=VALUE"));
        };
        if key.is_empty() {
            return Err(format!("invalid --context {entry:?}: the key is empty"));
        }

        let value = if IP_ADDRESS_KEYS.iter().any(|ip_key| ip_key.eq_ignore_ascii_case(key)) {
            let address: IpAddr = text.trim().parse().map_err(|_| {
                format!("invalid --context {entry:?}: {key} must be an IPv4 or IPv6 address, such as 192.0.2.1")
            })?;
            ContextValue::Ip(address)
        } else {
            ContextValue::String(text.to_owned())
        };

        match keys.iter_mut().find(|(existing, _)| existing.eq_ignore_ascii_case(key)) {
            Some((_, values)) => values.push(value),
            None => keys.push((key.to_owned(), vec![value])),
        }
    }
    Ok(keys)
}

/// Names the caller for output: its ARN, or the service principal name.
fn caller_name(principal: &Principal) -> Option<&str> {
    match principal.kind() {
        PrincipalKind::Service { name } => Some(name),
        _ => principal.arn(),
    }
}

/// Returns the account field of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`)
/// when it is 12 digits.
fn account_in_arn(arn: &str) -> Option<String> {
    let mut fields = arn.splitn(6, ':');
    if fields.next() != Some("arn") {
        return None;
    }
    let account_id = fields.nth(3)?;
    let is_account = account_id.len() == 12 && account_id.bytes().all(|byte| byte.is_ascii_digit());
    is_account.then(|| account_id.to_owned())
}

fn eval_text(request: &Request, evaluation: &Evaluation) -> String {
    let mut out = String::new();
    let boundary = if evaluation.cross_account { "cross-account" } else { "same account" };
    let caller = caller_name(&request.principal).unwrap_or("an anonymous caller");
    let _ = writeln!(out, "decision: {}", evaluation.decision);
    let _ = writeln!(out, "reason: {}", evaluation.reason);
    let _ = writeln!(
        out,
        "request: {caller} calls {} on {} (owner {}, {boundary})",
        request.action, request.resource, request.resource_account
    );

    if evaluation.matched_statements.is_empty() {
        let _ = writeln!(out, "matched statements: none");
    } else {
        let _ = writeln!(out, "matched statements:");
        for matched in &evaluation.matched_statements {
            let sid = matched.sid.as_deref().map(|sid| format!(" (Sid {sid})")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} policy {}: Statement[{}]{sid}: {}",
                matched.kind.as_str(),
                matched.policy,
                matched.statement_index,
                matched.effect.as_str()
            );
        }
    }

    if !evaluation.policy_decisions.is_empty() {
        let _ = writeln!(out, "policy decisions:");
        for decision in &evaluation.policy_decisions {
            let _ = writeln!(out, "  {}: {}", decision.kind.as_str(), decision.decision);
        }
    }

    if evaluation.missing_context_keys.is_empty() {
        let _ = writeln!(out, "missing context keys: none");
    } else {
        let _ = writeln!(out, "missing context keys: {}", evaluation.missing_context_keys.join(", "));
    }
    out
}

fn eval_json(request: &Request, evaluation: &Evaluation) -> Value {
    let mut value = serde_json::to_value(evaluation).unwrap_or_else(|_| json!({}));
    if let Value::Object(members) = &mut value {
        members.insert("reasonDescription".to_owned(), Value::from(evaluation.reason.description()));
        members.insert(
            "request".to_owned(),
            json!({
                "principal": caller_name(&request.principal),
                "action": request.action,
                "resource": request.resource,
                "resourceAccount": request.resource_account,
            }),
        );
    }
    value
}

fn analyze_file(args: &AnalyzeArgs) -> u8 {
    let prepared = check_owner(&args.owner)
        .and_then(|()| universe(args.action_universe.as_deref()))
        .and_then(|universe| Ok((universe, load_policy(&args.file, "policy file", PolicyType::Resource)?)));
    let (universe, loaded) = match prepared {
        Ok(prepared) => prepared,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };

    let analysis = analyze(&loaded.policy, &args.owner, universe.as_ref());
    if args.json {
        let value = serde_json::to_value(&analysis).unwrap_or_else(|_| json!({}));
        println!("{value}");
    } else {
        print!("{}", analysis_text(&loaded.label, &analysis));
    }

    if analysis.findings.is_empty() { EXIT_SUCCESS } else { EXIT_DIFFERS }
}

fn check_owner(owner: &str) -> Result<(), String> {
    let valid = owner.len() == 12 && owner.bytes().all(|byte| byte.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err(format!("invalid --owner {owner:?}: expected a 12-digit account id"))
    }
}

fn universe(name: Option<&str>) -> Result<Option<ActionUniverse>, String> {
    let Some(name) = name else {
        return Ok(None);
    };
    ActionUniverse::builtin(name)
        .map(Some)
        .ok_or_else(|| format!("unknown --action-universe {name:?}; the built-in universes are: sqs"))
}

fn analysis_text(label: &str, analysis: &Analysis) -> String {
    let mut out = String::new();
    if analysis.findings.is_empty() {
        let _ = writeln!(
            out,
            "{label}: no external access; the policy grants nothing to principals outside account {}",
            analysis.owner_account
        );
        return out;
    }

    let count = analysis.findings.len();
    let noun = if count == 1 { "principal" } else { "principals" };
    let _ = writeln!(out, "{label}: {count} {noun} outside account {}", analysis.owner_account);
    for finding in &analysis.findings {
        write_finding(&mut out, finding);
    }
    out
}

fn write_finding(out: &mut String, finding: &Finding) {
    let _ = writeln!(out, "{}", finding.principal);
    for grant in &finding.grants {
        write_grant(out, grant);
    }
}

fn write_grant(out: &mut String, grant: &Grant) {
    let sid = grant.sid.as_deref().map(|sid| format!(" (Sid {sid})")).unwrap_or_default();
    let _ = writeln!(out, "  Statement[{}]{sid}: {}", grant.statement_index, describe_actions(grant));

    let resources = match &grant.resources {
        None => "the resource the policy is attached to".to_owned(),
        Some(ResourceClause::Resource(patterns)) => patterns.join(", "),
        Some(ResourceClause::NotResource(patterns)) => format!("every resource except {}", patterns.join(", ")),
    };
    let _ = writeln!(out, "    resources: {resources}");

    if !grant.excluded_principals.is_empty() {
        let _ = writeln!(out, "    except principals: {}", grant.excluded_principals.join(", "));
    }
    for condition in &grant.conditions {
        let _ = writeln!(out, "    condition: {}", describe_condition(condition));
    }
    if !grant.restricted_by.is_empty() {
        let statements: Vec<String> = grant.restricted_by.iter().map(|index| format!("Statement[{index}]")).collect();
        let _ = writeln!(out, "    may be denied by: {}", statements.join(", "));
    }
}

fn describe_actions(grant: &Grant) -> String {
    let mut text = match &grant.actions {
        GrantedActions::Listed(actions) => actions.join(", "),
        GrantedActions::Matching(patterns) => format!("actions matching {}", patterns.join(", ")),
        GrantedActions::AllExcept(patterns) => format!("every action except {}", patterns.join(", ")),
    };
    if !grant.denied_actions.is_empty() {
        let _ = write!(text, " (denied: {})", grant.denied_actions.join(", "));
    }
    text
}

fn describe_condition(condition: &Condition) -> String {
    let values = match condition.values.as_slice() {
        [single] => single.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    format!("{} {} = {values}", condition.operator, condition.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_in_arn_reads_fifth_field() {
        assert_eq!(
            account_in_arn("arn:aws:sqs:us-east-1:111122223333:orders").as_deref(),
            Some("111122223333")
        );
        assert_eq!(account_in_arn("arn:aws:s3:::bucket/key"), None, "S3 ARNs name no account");
        assert_eq!(account_in_arn("*"), None, "not an ARN");
    }

    #[test]
    fn condition_lists_several_values() {
        let policy = Policy::parse(
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                "Condition": {"StringEquals": {"aws:SourceAccount": ["111111111111", "222222222222"]}}}}"#,
            PolicyType::Resource,
        )
        .expect("the test policy parses");
        let condition = &policy.statements[0].conditions[0];
        assert_eq!(
            describe_condition(condition),
            "StringEquals aws:SourceAccount = [111111111111, 222222222222]"
        );
    }
}
