//! Aliases: CreateAlias, UpdateAlias, DeleteAlias and ListAliases
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html>,
//! <https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html>).
//!
//! An alias lives in one namespace and points at a key of that namespace.
//! Names beginning with `alias/aws/` are reserved for AWS managed keys.

use super::key::{Alias, KeyUsage};
use super::model::{AliasInput, AliasListEntry, Empty, ListAliasesOutput, ListInput};
use super::{KeyUse, Kms, Needs, errors, now};
use crate::arn::{KeyAddress, format_alias_arn, is_alias_name, parse_key_address};
use crate::error::AwsResult;
use crate::http::RequestContext;

/// The prefix of alias names reserved for AWS managed keys.
const RESERVED_PREFIX: &str = "alias/aws/";

/// Checks a customer alias name: `alias/` and allowed characters, not reserved.
///
/// NOTE: AWS documents that `alias/aws/` names cannot be created but not the
/// error code; InvalidAliasNameException is assumed.
fn check_alias_name(alias_name: &str) -> AwsResult<()> {
    if !is_alias_name(alias_name) {
        return Err(errors::invalid_alias_name(
            alias_name,
            "an alias name is alias/ followed by 1 to 250 letters, digits, /, _ and -",
        ));
    }
    if alias_name.starts_with(RESERVED_PREFIX) {
        return Err(errors::invalid_alias_name(alias_name, "the alias/aws/ prefix is reserved for AWS managed keys"));
    }
    Ok(())
}

impl Kms {
    /// Resolves TargetKeyId, which must be a key id or key ARN of the caller's namespace.
    fn alias_target(
        &self,
        context: &RequestContext,
        target: Option<&str>,
        permission: &str,
    ) -> AwsResult<std::sync::Arc<super::key::Key>> {
        let target = target.ok_or_else(|| errors::missing("targetKeyId"))?;
        if matches!(parse_key_address(target), Ok(KeyAddress::AliasName(_) | KeyAddress::AliasArn { .. })) {
            return Err(errors::validation(format!(
                "TargetKeyId {target} is an alias; an alias must point at a key id or key ARN."
            )));
        }
        let key =
            self.resolve_key(context, "targetKeyId", Some(target), KeyUse::new(permission, Needs::NotPendingDeletion))?;
        if key.namespace != Self::caller_namespace(context) {
            return Err(errors::key_not_found(&key.arn));
        }
        Ok(key)
    }

    pub(super) fn create_alias(&self, context: &RequestContext, input: AliasInput) -> AwsResult<Empty> {
        let alias_name = input.alias_name.ok_or_else(|| errors::missing("aliasName"))?;
        check_alias_name(&alias_name)?;
        let key = self.alias_target(context, input.target_key_id.as_deref(), "CreateAlias")?;

        let namespace = Self::caller_namespace(context);
        let registry = self.namespaces.get_or_create(&namespace);
        registry.with_aliases(|aliases| {
            if aliases.contains_key(&alias_name) {
                return Err(errors::already_exists(&format_alias_arn(&namespace, &alias_name)));
            }
            let created = now();
            aliases.insert(
                alias_name,
                Alias { target_key_id: key.key_id.clone(), creation_date: created, last_updated_date: created },
            );
            Ok(Empty {})
        })
    }

    pub(super) fn update_alias(&self, context: &RequestContext, input: AliasInput) -> AwsResult<Empty> {
        let alias_name = input.alias_name.ok_or_else(|| errors::missing("aliasName"))?;
        check_alias_name(&alias_name)?;
        let namespace = Self::caller_namespace(context);
        let alias_arn = format_alias_arn(&namespace, &alias_name);
        let registry = self.namespaces.get(&namespace).ok_or_else(|| errors::alias_not_found(&alias_arn))?;
        let current = registry.alias(&alias_name).ok_or_else(|| errors::alias_not_found(&alias_arn))?;
        let key = self.alias_target(context, input.target_key_id.as_deref(), "UpdateAlias")?;

        // The new key must be of the same type and usage as the current one
        // (<https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdateAlias.html>).
        if let Some(current_key) = registry.key(&current.target_key_id) {
            let symmetric = |usage: KeyUsage, spec: super::key::KeySpec| {
                (usage, matches!(spec, super::key::KeySpec::SymmetricDefault))
            };
            if symmetric(current_key.usage, current_key.spec) != symmetric(key.usage, key.spec) {
                return Err(errors::validation(format!(
                    "{} cannot point at {}: the current and new keys must have the same key type and key usage.",
                    alias_name, key.arn
                )));
            }
        }

        registry.with_aliases(|aliases| match aliases.get_mut(&alias_name) {
            Some(alias) => {
                alias.target_key_id = key.key_id.clone();
                alias.last_updated_date = now();
                Ok(Empty {})
            }
            None => Err(errors::alias_not_found(&alias_arn)),
        })
    }

    pub(super) fn delete_alias(&self, context: &RequestContext, input: AliasInput) -> AwsResult<Empty> {
        let alias_name = input.alias_name.ok_or_else(|| errors::missing("aliasName"))?;
        if !is_alias_name(&alias_name) {
            return Err(errors::invalid_alias_name(
                &alias_name,
                "an alias name is alias/ followed by letters, digits, /, _ and -",
            ));
        }
        // The aliases of AWS managed keys belong to AWS, like the keys.
        // NOTE: the error is assumed to be the one for creating such an alias.
        if alias_name.starts_with(RESERVED_PREFIX) {
            return Err(errors::invalid_alias_name(
                &alias_name,
                "the alias/aws/ prefix is reserved for AWS managed keys",
            ));
        }
        let namespace = Self::caller_namespace(context);
        let alias_arn = format_alias_arn(&namespace, &alias_name);
        let registry = self.namespaces.get(&namespace).ok_or_else(|| errors::alias_not_found(&alias_arn))?;
        let alias = registry.alias(&alias_name).ok_or_else(|| errors::alias_not_found(&alias_arn))?;
        // Deleting an alias needs kms:DeleteAlias on its key.
        if let Some(key) = registry.key(&alias.target_key_id) {
            self.authorize(context, &key, KeyUse::new("DeleteAlias", Needs::AnyState), &alias_name)?;
        }
        registry.with_aliases(|aliases| aliases.remove(&alias_name));
        Ok(Empty {})
    }

    pub(super) fn list_aliases(&self, context: &RequestContext, input: ListInput) -> AwsResult<ListAliasesOutput> {
        let limit = super::keys::page_limit(input.limit, 50)?;
        let namespace = Self::caller_namespace(context);
        let target_key_id = match input.key_id.as_deref() {
            Some(address) => Some(
                self.resolve_key(context, "keyId", Some(address), KeyUse::new("ListAliases", Needs::AnyState))?
                    .key_id
                    .clone(),
            ),
            None => None,
        };
        let Some(registry) = self.namespaces.get(&namespace) else {
            return Ok(ListAliasesOutput { aliases: Vec::new(), truncated: false, next_marker: None });
        };
        let after = input.marker.as_deref();
        let mut aliases: Vec<AliasListEntry> = registry
            .aliases()
            .into_iter()
            .filter(|(name, _)| after.is_none_or(|after| name.as_str() > after))
            .filter(|(_, alias)| target_key_id.as_ref().is_none_or(|key_id| &alias.target_key_id == key_id))
            .take(limit + 1)
            .map(|(name, alias)| AliasListEntry {
                alias_arn: format_alias_arn(&namespace, &name),
                alias_name: name,
                target_key_id: alias.target_key_id,
                creation_date: alias.creation_date,
                last_updated_date: alias.last_updated_date,
            })
            .collect();
        let truncated = aliases.len() > limit;
        aliases.truncate(limit);
        let next_marker = truncated.then(|| aliases.last().map(|alias| alias.alias_name.clone())).flatten();
        Ok(ListAliasesOutput { aliases, truncated, next_marker })
    }
}
