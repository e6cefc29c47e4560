//! Secrets Manager secrets in generated scenarios: their fixture steps,
//! their calls by name, full ARN or partial ARN, and the model's
//! predictions for them.

use super::*;

impl Builder<'_> {
    /// Adds the CreateSecret step of a new secret, and a PutResourcePolicy
    /// step when it has a policy, unless a secret of that name already
    /// exists in `namespace`.
    pub(super) fn create_secret(&mut self, namespace: Namespace, base_name: &str, policy: Option<&PolicySpec>) {
        let name = format!("{base_name}{}", self.name_suffix);
        if self.secrets.iter().any(|secret| secret.namespace == namespace && secret.name == name) {
            return;
        }
        let number = self.secrets.len() + 1;
        // Secret policies name their secret as `*`, because the full ARN
        // ends in a random suffix that is unknown before CreateSecret.
        let document = policy.map(|policy| policy.to_json(&self.case.world, SECRETSMANAGER_POLICY_ACTIONS, "*"));
        let secret = SecretState::new(&name, namespace.clone(), number, document.as_deref());

        let input = json!({
            "Name": name,
            "SecretString": format!("value of secret {number}"),
            "Description": secret.description,
            "Tags": [{ "Key": "owner", "Value": secret.owner_tag }],
        });
        let capture = Capture {
            variable: secret.variable.clone(),
            path: ResponsePath::parse("ARN").expect("a member name is a response path"),
        };
        let mut steps = vec![("CreateSecret", input, vec![capture])];
        if let Some(document) = &document {
            let policy_input = json!({ "SecretId": format!("${{{}}}", secret.variable), "ResourcePolicy": document });
            steps.push(("PutResourcePolicy", policy_input, Vec::new()));
        }
        let target = Target { secret: Some(self.secrets.len()), ..Target::default() };
        self.push_fixture("secretsmanager", &namespace, steps, target);
        self.created_secrets.push(secret.clone());
        self.secrets.push(secret);
    }

    pub(super) fn secret_call(&mut self, caller: &Namespace, call: &SecretCall) {
        let step_number = self.steps.len() + 1;
        let Some((selected, form)) = call.secret() else {
            self.push_call_without_address("secretsmanager", caller, "ListSecrets", json!({}));
            return;
        };
        let (operation, input) = match call {
            SecretCall::DescribeSecret(..) => ("DescribeSecret", json!({})),
            SecretCall::UpdateSecret(..) => {
                ("UpdateSecret", json!({ "Description": format!("updated at step {step_number}") }))
            }
            SecretCall::DeleteResourcePolicy(..) => ("DeleteResourcePolicy", json!({})),
            SecretCall::DeleteSecret(..) => ("DeleteSecret", json!({ "ForceDeleteWithoutRecovery": true })),
            SecretCall::ListSecrets => return,
        };
        let target = selected.index(self.primary_secrets);
        let deleted = self.push_secret_call(caller, operation, input, target, form);

        // Each owner of another live secret of the deleted one's name reads
        // it by ARN: deleting in one namespace never affects another's.
        if operation == "DeleteSecret" {
            let name = self.secrets[target].name.clone();
            let same_named: Vec<usize> = (0..self.secrets.len())
                .filter(|index| Some(*index) != deleted)
                .filter(|index| self.secrets[*index].name == name && self.secrets[*index].exists)
                .collect();
            for index in same_named {
                let owner = self.secrets[index].namespace.clone();
                self.push_secret_call(&owner, "DescribeSecret", json!({}), index, SecretAddressForm::Arn);
            }
        }
    }

    /// Adds the step of `operation` on secret `target`, named in `form`, and
    /// returns the live secret the address finds, if any.
    fn push_secret_call(
        &mut self,
        caller: &Namespace,
        operation: &str,
        mut input: Value,
        target: usize,
        form: SecretAddressForm,
    ) -> Option<usize> {
        let step_number = self.steps.len() + 1;
        let secret = &self.secrets[target];
        let (address, kind, named) = match form {
            SecretAddressForm::Name => (secret.name.clone(), AddressKind::Name, caller.clone()),
            SecretAddressForm::Arn => (format!("${{{}}}", secret.variable), AddressKind::Arn, secret.namespace.clone()),
            SecretAddressForm::PartialArn => {
                (secret.partial_arn.clone(), AddressKind::PartialArn, secret.namespace.clone())
            }
        };
        input["SecretId"] = json!(address);

        let facts = model::facts("secretsmanager", operation);
        let cross_account = named.account_id != caller.account_id;
        // Secrets Manager finds the secret before it checks access: only the
        // listed operations reach another account, and only by full ARN.
        let found = match form {
            SecretAddressForm::PartialArn if cross_account => None,
            _ => self.secrets.iter().position(|candidate| {
                candidate.namespace == named && candidate.name == secret.name && candidate.exists
            }),
        };
        // LocalStack's list and AWS's differ: AWS's also names DeleteResourcePolicy.
        let reaches_other_accounts = match self.profile {
            Profile::Aws => facts.grantable_across_accounts,
            Profile::Localstack | Profile::LocalstackEnforceIam => facts.localstack_cross_account,
        };
        let prediction = if cross_account && !reaches_other_accounts {
            Prediction::error(OutcomeClass::NotFound)
        } else if self.profile == Profile::Aws && named.region != caller.region {
            Prediction::error(facts.other_region)
        } else {
            match found {
                None => Prediction::error(OutcomeClass::NotFound),
                Some(index) => self.predict_secret(caller, operation, index, step_number),
            }
        };
        let target = Target { secret: found, ..Target::default() };
        self.push_call("secretsmanager", caller, operation, input, prediction, Some(named), kind, target);
        found
    }

    /// Predicts a call on the found secret `index` and applies a predicted
    /// success to the model's state.
    fn predict_secret(&mut self, caller: &Namespace, operation: &str, index: usize, step_number: usize) -> Prediction {
        let facts = model::facts("secretsmanager", operation);
        let secret = &self.secrets[index];
        let arn = format!("{}-secret", secret.partial_arn);
        if let Err(class) =
            model::decide_access(self.profile, caller, &secret.namespace, &arn, secret.policy.as_ref(), facts)
        {
            return Prediction::error(class);
        }
        let secret = &mut self.secrets[index];
        let arn = format!("${{{}}}", secret.variable);
        match operation {
            "DescribeSecret" => {
                Prediction::ok(Some(json!({ "ARN": arn, "Name": secret.name, "Description": secret.description })))
            }
            "UpdateSecret" => {
                secret.description = format!("updated at step {step_number}");
                Prediction::ok(Some(json!({ "ARN": arn, "Name": secret.name })))
            }
            "DeleteResourcePolicy" => {
                secret.policy = None;
                Prediction::ok(Some(json!({ "ARN": arn, "Name": secret.name })))
            }
            "DeleteSecret" => {
                secret.exists = false;
                secret.policy = None;
                Prediction::ok(Some(json!({ "ARN": arn, "Name": secret.name })))
            }
            _ => Prediction::ok(None),
        }
    }
}
