//! KMS keys and aliases in generated scenarios: their fixture steps, their
//! calls by key id, key ARN, alias name or alias ARN, and the model's
//! predictions for them.

use super::*;

impl Builder<'_> {
    /// Adds the CreateKey and CreateAlias steps of a new key, unless an
    /// alias of that name already exists in `namespace`.
    pub(super) fn create_key(&mut self, namespace: Namespace, base_alias: &str, policy: Option<&PolicySpec>) {
        let alias = format!("{base_alias}{}", self.name_suffix);
        if self.keys.iter().any(|key| key.namespace == namespace && key.alias == alias) {
            return;
        }
        let number = self.keys.len() + 1;
        let description = format!("key {number}");
        let document = policy.map(|policy| {
            let generated = policy.to_json(&self.case.world, KMS_POLICY_ACTIONS, "*");
            let mut document: Value = serde_json::from_str(&generated).expect("the grammar writes JSON");
            if let Some(statements) = document["Statement"].as_array_mut() {
                statements.insert(0, model::owner_key_statement(&namespace.account_id));
            }
            document.to_string()
        });
        let key = KeyState::new(&alias, namespace.clone(), number, description, document.as_deref());

        let input = json!({
            "Description": key.description,
            "Tags": [{ "TagKey": "owner", "TagValue": format!("{}/{}", namespace.account_id, namespace.region) }],
        });
        let captures = vec![
            Capture {
                variable: key.variable.clone(),
                path: ResponsePath::parse("KeyMetadata.Arn").expect("a member path is a response path"),
            },
            Capture {
                variable: key.id_variable.clone(),
                path: ResponsePath::parse("KeyMetadata.KeyId").expect("a member path is a response path"),
            },
        ];
        let alias_input = json!({ "AliasName": alias, "TargetKeyId": format!("${{{}}}", key.id_variable) });
        let mut steps = vec![("CreateKey", input, captures), ("CreateAlias", alias_input, Vec::new())];
        // The generated policy comes last, because it may deny the owner the
        // CreateAlias call. KMS rejects a policy that would lock the caller
        // out of PutKeyPolicy unless the request bypasses that check.
        if let Some(document) = &document {
            let mut policy_input = json!({
                "KeyId": format!("${{{}}}", key.id_variable),
                "PolicyName": "default",
                "Policy": document,
            });
            let placeholder = format!("arn:aws:kms:{}:{}:key/generated", namespace.region, namespace.account_id);
            if model::needs_lockout_bypass(&key.policy, &namespace, &placeholder) {
                policy_input["BypassPolicyLockoutSafetyCheck"] = json!(true);
            }
            steps.push(("PutKeyPolicy", policy_input, Vec::new()));
        }
        let target = Target { key: Some(self.keys.len()), ..Target::default() };
        self.push_fixture("kms", &namespace, steps, target);
        self.keys.push(key);
    }

    pub(super) fn kms_call(&mut self, caller: &Namespace, call: &KmsCall) {
        let (operation, form) = match call {
            KmsCall::ListAliases => {
                self.push_call_without_address("kms", caller, "ListAliases", json!({}));
                return;
            }
            KmsCall::ListKeys => {
                self.push_call_without_address("kms", caller, "ListKeys", json!({}));
                return;
            }
            KmsCall::DescribeKey(_, form) => ("DescribeKey", *form),
            KmsCall::Encrypt(_, form) => ("Encrypt", *form),
            KmsCall::GetKeyPolicy(_, by_arn) => {
                ("GetKeyPolicy", if *by_arn { KeyAddressForm::Arn } else { KeyAddressForm::Id })
            }
            KmsCall::ScheduleKeyDeletion(selected) => {
                self.schedule_key_deletion(selected.index(self.primary_keys));
                return;
            }
        };
        let Some(selected) = call.key() else { return };
        self.push_key_call(caller, operation, selected.index(self.primary_keys), form);
    }

    /// Adds the owner's ScheduleKeyDeletion of key `target` by key id and
    /// the owner's Encrypt by alias name, which the pending key rejects.
    /// Then the owner of each other key of that alias describes it by alias
    /// name, because scheduling a deletion never affects another namespace.
    fn schedule_key_deletion(&mut self, target: usize) {
        let owner = self.keys[target].namespace.clone();
        self.push_key_call(&owner, "ScheduleKeyDeletion", target, KeyAddressForm::Id);
        self.push_key_call(&owner, "Encrypt", target, KeyAddressForm::AliasName);

        let alias = self.keys[target].alias.clone();
        let others: Vec<usize> =
            (0..self.keys.len()).filter(|index| *index != target && self.keys[*index].alias == alias).collect();
        for index in others {
            let decoy_owner = self.keys[index].namespace.clone();
            self.push_key_call(&decoy_owner, "DescribeKey", index, KeyAddressForm::AliasName);
        }
    }

    /// Adds the step of `operation` on key `target`, named in `form`, and
    /// applies a predicted ScheduleKeyDeletion to the model.
    fn push_key_call(&mut self, caller: &Namespace, operation: &str, target: usize, form: KeyAddressForm) {
        let key = &self.keys[target];
        let (address, kind, named) = match form {
            KeyAddressForm::Id => (format!("${{{}}}", key.id_variable), AddressKind::Id, caller.clone()),
            KeyAddressForm::Arn => (format!("${{{}}}", key.variable), AddressKind::Arn, key.namespace.clone()),
            KeyAddressForm::AliasName => (key.alias.clone(), AddressKind::AliasName, caller.clone()),
            KeyAddressForm::AliasArn => (key.alias_arn.clone(), AddressKind::AliasArn, key.namespace.clone()),
        };
        let mut input = match operation {
            "Encrypt" => json!({ "Plaintext": "Z2VuZXJhdGVk" }),
            "GetKeyPolicy" => json!({ "PolicyName": "default" }),
            "ScheduleKeyDeletion" => json!({ "PendingWindowInDays": 7 }),
            _ => json!({}),
        };
        input["KeyId"] = json!(address);

        // The key the address finds. By id or ARN it is the key itself, when
        // the id is looked up in the key's own namespace. By alias it is the
        // key that the alias of that name in the named namespace points to.
        let found = match form {
            KeyAddressForm::Id if key.namespace != *caller => None,
            KeyAddressForm::Id | KeyAddressForm::Arn => Some(target),
            KeyAddressForm::AliasName | KeyAddressForm::AliasArn => {
                self.keys.iter().position(|candidate| candidate.namespace == named && candidate.alias == key.alias)
            }
        };
        let facts = model::facts("kms", operation);
        let prediction = if self.profile == Profile::Aws && named.region != caller.region {
            Prediction::error(facts.other_region)
        } else {
            match found {
                None => Prediction::error(OutcomeClass::NotFound),
                Some(index) => match model::decide_key_access(self.profile, caller, &self.keys[index], facts) {
                    Err(class) => Prediction::error(class),
                    Ok(()) => predict_key_operation(&mut self.keys[index], operation),
                },
            }
        };
        let target = Target { key: found, ..Target::default() };
        self.push_call("kms", caller, operation, input, prediction, Some(named), kind, target);
    }
}

/// Predicts a permitted `operation` on `key` from its state, and marks the
/// key pending deletion when ScheduleKeyDeletion succeeds. DescribeKey and
/// GetKeyPolicy work in any key state. Encrypt and ScheduleKeyDeletion
/// reject a key pending deletion with KMSInvalidStateException
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html>).
fn predict_key_operation(key: &mut KeyState, operation: &str) -> Prediction {
    let arn = format!("${{{}}}", key.variable);
    let invalid_state = Prediction { class: OutcomeClass::Error, code: Some("KMSInvalidStateException"), subset: None };
    let key_state = if key.pending_deletion { "PendingDeletion" } else { "Enabled" };
    match operation {
        "DescribeKey" => Prediction::ok(Some(json!({ "KeyMetadata": {
            "Arn": arn,
            "AWSAccountId": key.namespace.account_id,
            "Description": key.description,
            "KeyState": key_state,
        }}))),
        "Encrypt" | "ScheduleKeyDeletion" if key.pending_deletion => invalid_state,
        "Encrypt" => Prediction::ok(Some(json!({ "KeyId": arn }))),
        "ScheduleKeyDeletion" => {
            key.pending_deletion = true;
            Prediction::ok(Some(json!({ "KeyId": arn, "KeyState": "PendingDeletion", "PendingWindowInDays": 7 })))
        }
        _ => Prediction::ok(None),
    }
}
