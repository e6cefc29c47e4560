//! Lambda functions and layers in generated scenarios, and the model's
//! predictions for them. A function's fixture creates it, and optionally
//! version 1 with an alias and a permission. A layer's fixture publishes it
//! and optionally grants it to one account. Calls name a function by name,
//! partial ARN, full ARN or alias ARN, and create functions that use a
//! layer by its version ARN.
//!
//! Each function's handler returns the ARN it was invoked by and the
//! function's mark, so the payload shows when a same-named function of
//! another namespace ran instead
//! (<https://docs.aws.amazon.com/lambda/latest/dg/python-context.html>).

use super::*;

/// The statement id of the permission a generated function gets.
const PERMISSION_SID: &str = "generated-grant";

impl Builder<'_> {
    /// Adds the CreateFunction step of a new function, PublishVersion and
    /// CreateAlias when it has an alias, and AddPermission when it has a
    /// permission, unless a function of that name already exists in `namespace`.
    pub(super) fn create_function(
        &mut self,
        namespace: Namespace,
        base_name: &str,
        alias: bool,
        permission: Option<&PermissionSpec>,
    ) {
        let name = format!("{base_name}{}", self.name_suffix);
        if self.functions.iter().any(|function| function.namespace == namespace && function.name == name) {
            return;
        }
        let number = self.functions.len() + 1;
        let mark = format!("function {number}");
        let arn = format!("arn:aws:lambda:{}:{}:function:{name}", namespace.region, namespace.account_id);
        let handler = format!(
            "def handler(event, context):\n    return {{\"arn\": context.invoked_function_arn, \"mark\": \"{mark}\"}}\n"
        );
        let variable = format!("f{number}");
        let mut function = FunctionState {
            name: name.clone(),
            namespace: namespace.clone(),
            variable: variable.clone(),
            arn,
            mark: mark.clone(),
            alias,
            policy: None,
            alias_policy: None,
            exists: true,
        };

        let create = json!({
            "FunctionName": name,
            "Runtime": "python3.12",
            "Role": format!("arn:aws:iam::{}:role/{name}", namespace.account_id),
            "Handler": "index.handler",
            "Description": mark,
            "Code": { "ZipFile": { "Files": { "index.py": handler } } },
        });
        let capture =
            Capture { variable, path: ResponsePath::parse("FunctionArn").expect("a member name is a response path") };
        let mut steps = vec![("CreateFunction", create, vec![capture])];
        if alias {
            steps.push(("PublishVersion", json!({ "FunctionName": name }), Vec::new()));
            steps.push((
                "CreateAlias",
                json!({ "FunctionName": name, "Name": FUNCTION_ALIAS, "FunctionVersion": FUNCTION_VERSION }),
                Vec::new(),
            ));
        }
        if let Some(permission) = permission {
            let on_alias = alias && permission.on_alias;
            let (input, document) = self.permission(&function, permission, on_alias);
            let policy = crosscheck_policy::Policy::parse(&document, crosscheck_policy::PolicyType::Resource)
                .expect("generated function policies are valid");
            if on_alias {
                function.alias_policy = Some(policy);
            } else {
                function.policy = Some(policy);
            }
            steps.push(("AddPermission", input, Vec::new()));
        }

        let target = Target { function: Some(self.functions.len()), ..Target::default() };
        self.push_fixture("lambda", &namespace, steps, target);
        self.created_functions.push(function.clone());
        self.functions.push(function);
    }

    /// Builds AddPermission's input and the policy document it leaves on the
    /// function, as Lambda writes it: an account id becomes the account's root
    /// ARN, and `SourceAccount` an `AWS:SourceAccount` condition
    /// (<https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>).
    fn permission(&self, function: &FunctionState, permission: &PermissionSpec, on_alias: bool) -> (Value, String) {
        let account_id = self.case.world.account(permission.account).id.clone();
        let root = format!("arn:aws:iam::{account_id}:root");
        let mut input = json!({
            "FunctionName": function.name,
            "StatementId": PERMISSION_SID,
            "Action": "lambda:InvokeFunction",
        });
        let mut statement = json!({
            "Sid": PERMISSION_SID,
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": function.qualified_arn(on_alias.then_some(FUNCTION_ALIAS)),
        });
        match permission.principal {
            PrincipalForm::AccountId => {
                input["Principal"] = json!(account_id);
                statement["Principal"] = json!({ "AWS": root });
            }
            PrincipalForm::RootArn => {
                input["Principal"] = json!(root);
                statement["Principal"] = json!({ "AWS": root });
            }
            PrincipalForm::AnyWithSourceAccount => {
                input["Principal"] = json!("*");
                input["SourceAccount"] = json!(account_id);
                statement["Principal"] = json!("*");
                statement["Condition"] = json!({ "StringEquals": { "AWS:SourceAccount": account_id } });
            }
        }
        if on_alias {
            input["Qualifier"] = json!(FUNCTION_ALIAS);
        }
        let document = json!({ "Version": "2012-10-17", "Statement": [statement] }).to_string();
        (input, document)
    }

    /// Adds the PublishLayerVersion step of a layer whose module exports a
    /// mark, and AddLayerVersionPermission when `grant` names an account,
    /// unless `namespace` already has a layer.
    pub(super) fn publish_layer(&mut self, namespace: Namespace, grant: Option<&str>) {
        if self.layers.iter().any(|layer| layer.namespace == namespace) {
            return;
        }
        let name = format!("{LAYER_NAME}{}", self.name_suffix);
        let number = self.layers.len() + 1;
        let mut layer = LayerState {
            arn: format!("arn:aws:lambda:{}:{}:layer:{name}", namespace.region, namespace.account_id),
            namespace: namespace.clone(),
            mark: format!("layer {number}"),
            policy: None,
            exists: true,
        };

        // The Python runtime puts a layer's python/ folder on sys.path
        // (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html).
        let module = format!("MARK = \"{}\"\n", layer.mark);
        let publish = json!({
            "LayerName": name,
            "Description": layer.mark,
            "CompatibleRuntimes": ["python3.12"],
            "Content": { "ZipFile": { "Files": { "python/shared_mark.py": module } } },
        });
        let mut steps = vec![("PublishLayerVersion", publish, Vec::new())];
        if let Some(account_id) = grant {
            let grant_input = json!({
                "LayerName": name,
                "VersionNumber": 1,
                "StatementId": PERMISSION_SID,
                "Action": "lambda:GetLayerVersion",
                "Principal": account_id,
            });
            let document = json!({ "Version": "2012-10-17", "Statement": [{
                "Sid": PERMISSION_SID,
                "Effect": "Allow",
                "Principal": { "AWS": format!("arn:aws:iam::{account_id}:root") },
                "Action": "lambda:GetLayerVersion",
                "Resource": layer.version_arn(),
            }]});
            let policy =
                crosscheck_policy::Policy::parse(&document.to_string(), crosscheck_policy::PolicyType::Resource)
                    .expect("generated layer policies are valid");
            layer.policy = Some(policy);
            steps.push(("AddLayerVersionPermission", grant_input, Vec::new()));
        }

        let target = Target { layer: Some(self.layers.len()), ..Target::default() };
        self.push_fixture("lambda", &namespace, steps, target);
        self.layers.push(layer);
    }

    /// Adds a CreateFunction step of the caller that uses version 1 of layer
    /// `selected`, and when the model predicts success, an Invoke that shows
    /// which layer's module the function imported.
    fn use_layer(&mut self, caller: &Namespace, selected: Pick) {
        if self.primary_layers == 0 {
            return;
        }
        let target = selected.index(self.primary_layers);
        let layer = &self.layers[target];
        let version_arn = layer.version_arn();
        let owner = layer.namespace.clone();
        let mark = layer.mark.clone();
        let name = format!("uses-layer-{}{}", self.steps.len() + 1, self.name_suffix);
        let handler = "import shared_mark\n\ndef handler(event, context):\n    return {\"layer\": shared_mark.MARK}\n";
        let input = json!({
            "FunctionName": name,
            "Runtime": "python3.12",
            "Role": format!("arn:aws:iam::{}:role/{name}", caller.account_id),
            "Handler": "app.handler",
            "Layers": [version_arn],
            "Code": { "ZipFile": { "Files": { "app.py": handler } } },
        });

        let facts = model::facts("lambda", "GetLayerVersion");
        let decision = model::decide_access(self.profile, caller, &owner, &version_arn, layer.policy.as_ref(), facts);
        let prediction = match decision {
            Ok(()) => Prediction::ok(Some(json!({ "Layers": [{ "Arn": version_arn }] }))),
            Err(class) => Prediction::error(class),
        };
        let created = prediction.class == OutcomeClass::Ok;
        let target = Target { layer: Some(target), ..Target::default() };
        let kind = AddressKind::LayerVersionArn;
        self.push_call("lambda", caller, "CreateFunction", input, prediction, Some(owner), kind, target);

        if created {
            let invoke = json!({ "FunctionName": name, "Payload": {} });
            let prediction = Prediction::ok(Some(json!({ "StatusCode": 200, "Payload": { "layer": mark } })));
            let resource = Some(caller.clone());
            self.push_call("lambda", caller, "Invoke", invoke, prediction, resource, AddressKind::Name, target);
        }
    }

    pub(super) fn lambda_call(&mut self, caller: &Namespace, call: &LambdaCall) {
        match call {
            LambdaCall::ListFunctions => {
                self.push_call_without_address("lambda", caller, "ListFunctions", json!({}));
                return;
            }
            LambdaCall::ListLayers => {
                self.push_call_without_address("lambda", caller, "ListLayers", json!({}));
                return;
            }
            LambdaCall::UseLayer(selected) => {
                self.use_layer(caller, *selected);
                return;
            }
            LambdaCall::GetLayerVersion(selected, form) | LambdaCall::ListLayerVersions(selected, form) => {
                if self.primary_layers > 0 {
                    let target = selected.index(self.primary_layers);
                    let operation = if matches!(call, LambdaCall::GetLayerVersion(..)) {
                        "GetLayerVersion"
                    } else {
                        "ListLayerVersions"
                    };
                    self.push_layer_call(caller, operation, target, *form);
                }
                return;
            }
            LambdaCall::DeleteLayerVersion(selected) => {
                if self.primary_layers > 0 {
                    self.delete_layer_version(selected.index(self.primary_layers));
                }
                return;
            }
            _ => {}
        }
        let Some((selected, form)) = call.function() else { return };
        let target = selected.index(self.primary_functions);
        let operation = match call {
            LambdaCall::Invoke(..) => "Invoke",
            LambdaCall::GetFunction(..) => "GetFunction",
            LambdaCall::GetFunctionConfiguration(..) => "GetFunctionConfiguration",
            LambdaCall::GetPolicy(..) => "GetPolicy",
            LambdaCall::DeleteFunction(..) => "DeleteFunction",
            _ => return,
        };
        let deleted = self.push_function_call(caller, operation, target, form);

        // Each owner of another live function of the deleted one's name
        // reads it by ARN: deleting in one namespace never affects another's.
        if operation == "DeleteFunction" {
            let name = self.functions[target].name.clone();
            let same_named: Vec<usize> = (0..self.functions.len())
                .filter(|index| Some(*index) != deleted)
                .filter(|index| self.functions[*index].name == name && self.functions[*index].exists)
                .collect();
            for index in same_named {
                let owner = self.functions[index].namespace.clone();
                self.push_function_call(&owner, "GetFunctionConfiguration", index, FunctionAddressForm::Arn);
            }
        }
    }

    /// Adds the owner's DeleteLayerVersion of version 1 of layer `target` by
    /// name. Then the owner of each other live layer of that name reads it
    /// with GetLayerVersion and ListLayerVersions by layer ARN, because
    /// deleting a layer version never affects another namespace.
    fn delete_layer_version(&mut self, target: usize) {
        let owner = self.layers[target].namespace.clone();
        self.push_layer_call(&owner, "DeleteLayerVersion", target, LayerAddressForm::Name);

        let others: Vec<usize> =
            (0..self.layers.len()).filter(|index| *index != target && self.layers[*index].exists).collect();
        for index in others {
            let decoy_owner = self.layers[index].namespace.clone();
            self.push_layer_call(&decoy_owner, "GetLayerVersion", index, LayerAddressForm::LayerArn);
            self.push_layer_call(&decoy_owner, "ListLayerVersions", index, LayerAddressForm::LayerArn);
        }
    }

    /// Adds the step of `operation` on layer `target`, named in `form`, with
    /// version 1 for GetLayerVersion and DeleteLayerVersion.
    ///
    /// By name the call reaches the caller's own layer of that name. By
    /// layer ARN it reaches the layer's namespace, where LocalStack's
    /// cross-account list and the version's permission decide.
    fn push_layer_call(&mut self, caller: &Namespace, operation: &str, target: usize, form: LayerAddressForm) {
        let layer = &self.layers[target];
        let name = format!("{LAYER_NAME}{}", self.name_suffix);
        let (address, kind, named) = match form {
            LayerAddressForm::Name => (name.clone(), AddressKind::Name, caller.clone()),
            LayerAddressForm::LayerArn => (layer.arn.clone(), AddressKind::Arn, layer.namespace.clone()),
        };
        let mut input = json!({ "LayerName": address });
        if operation != "ListLayerVersions" {
            input["VersionNumber"] = json!(1);
        }

        let found = self.layers.iter().position(|candidate| candidate.namespace == named);
        let live = found.filter(|index| self.layers[*index].exists);
        let layer_arn = format!("arn:aws:lambda:{}:{}:layer:{name}", named.region, named.account_id);
        let version_arn = format!("{layer_arn}:1");
        let facts = model::facts("lambda", operation);
        // ListLayerVersions is checked against the layer ARN, which no
        // version's permission names, and the others against version 1.
        let decision = if operation == "ListLayerVersions" {
            model::decide_access(self.profile, caller, &named, &layer_arn, None, facts)
        } else {
            let policy = live.and_then(|index| self.layers[index].policy.as_ref());
            model::decide_access(self.profile, caller, &named, &version_arn, policy, facts)
        };
        let prediction = match (decision, live) {
            (Err(class), _) => Prediction::error(class),
            (Ok(()), None) => match operation {
                "ListLayerVersions" => Prediction::ok(Some(json!({ "LayerVersions": [] }))),
                // Lambda returns success for a version that does not exist.
                "DeleteLayerVersion" => Prediction::ok(None),
                _ => Prediction::error(OutcomeClass::NotFound),
            },
            (Ok(()), Some(index)) => {
                let found_layer = &mut self.layers[index];
                match operation {
                    "GetLayerVersion" => Prediction::ok(Some(json!({
                        "LayerVersionArn": version_arn,
                        "Description": found_layer.mark,
                        "Version": 1,
                    }))),
                    "ListLayerVersions" => Prediction::ok(Some(json!({ "LayerVersions": [{
                        "LayerVersionArn": version_arn,
                        "Description": found_layer.mark,
                    }]}))),
                    _ => {
                        found_layer.exists = false;
                        found_layer.policy = None;
                        Prediction::ok(None)
                    }
                }
            }
        };
        let target = Target { layer: found, ..Target::default() };
        self.push_call("lambda", caller, operation, input, prediction, Some(named), kind, target);
    }

    /// Adds the step of `operation` on function `target`, named in `form`,
    /// and returns the function the address finds, if the case created one there.
    fn push_function_call(
        &mut self,
        caller: &Namespace,
        operation: &str,
        target: usize,
        form: FunctionAddressForm,
    ) -> Option<usize> {
        let function = &self.functions[target];
        let name = function.name.clone();
        // Only a function with an alias has version 1; the others are named
        // by their plain ARN instead.
        let qualifier = match form {
            FunctionAddressForm::AliasArn if function.alias => Some(FUNCTION_ALIAS),
            FunctionAddressForm::VersionArn if function.alias => Some(FUNCTION_VERSION),
            _ => None,
        };
        let (address, kind, named) = match form {
            FunctionAddressForm::Name => (name.clone(), AddressKind::Name, caller.clone()),
            FunctionAddressForm::PartialArn => (
                format!("{}:function:{name}", function.namespace.account_id),
                AddressKind::PartialArn,
                Namespace::new(&function.namespace.account_id, &caller.region),
            ),
            FunctionAddressForm::Arn | FunctionAddressForm::AliasArn | FunctionAddressForm::VersionArn => {
                match qualifier {
                    Some(qualifier) => (
                        format!("${{{}}}:{qualifier}", function.variable),
                        AddressKind::QualifiedArn,
                        function.namespace.clone(),
                    ),
                    None => (format!("${{{}}}", function.variable), AddressKind::Arn, function.namespace.clone()),
                }
            }
        };
        let mut input = json!({ "FunctionName": address });
        if operation == "Invoke" {
            input["Payload"] = json!({ "step": self.steps.len() + 1 });
        }

        let found = self.functions.iter().position(|candidate| candidate.namespace == named && candidate.name == name);
        let prediction = self.predict_function_call(caller, operation, &named, &name, found, qualifier);
        let target = Target { function: found, ..Target::default() };
        self.push_call("lambda", caller, operation, input, prediction, Some(named), kind, target);
        found
    }

    /// Predicts a call on the function `name` of `named`, which is
    /// `functions[found]` when the case created one there, and applies a
    /// predicted success to the model's state.
    ///
    /// Lambda decides access before it looks the function up, as the other
    /// services do, so a missing function of another account is `denied`
    /// where policies are evaluated.
    fn predict_function_call(
        &mut self,
        caller: &Namespace,
        operation: &str,
        named: &Namespace,
        name: &str,
        found: Option<usize>,
        qualifier: Option<&str>,
    ) -> Prediction {
        let facts = model::facts("lambda", operation);
        let live = found.filter(|index| self.functions[*index].exists);
        let arn = match qualifier {
            Some(qualifier) => {
                format!("arn:aws:lambda:{}:{}:function:{name}:{qualifier}", named.region, named.account_id)
            }
            None => format!("arn:aws:lambda:{}:{}:function:{name}", named.region, named.account_id),
        };
        let policy = live.and_then(|index| {
            let function = &self.functions[index];
            function.policy_of(qualifier)
        });
        if let Err(class) = model::decide_access(self.profile, caller, named, &arn, policy, facts) {
            return Prediction::error(class);
        }
        let Some(index) = live else {
            return Prediction::error(OutcomeClass::NotFound);
        };

        let function = &mut self.functions[index];
        match operation {
            "Invoke" => Prediction::ok(Some(json!({
                "StatusCode": 200,
                "Payload": { "arn": arn, "mark": function.mark },
            }))),
            "GetFunction" => {
                Prediction::ok(Some(json!({ "Configuration": { "FunctionName": name, "Description": function.mark } })))
            }
            "GetFunctionConfiguration" => {
                Prediction::ok(Some(json!({ "FunctionName": name, "Description": function.mark })))
            }
            "GetPolicy" => {
                let has_policy = function.policy_of(qualifier).is_some();
                if has_policy {
                    Prediction::ok(Some(json!({ "Policy": { "Statement": [{ "Sid": PERMISSION_SID }] } })))
                } else {
                    Prediction::error(OutcomeClass::NotFound)
                }
            }
            "DeleteFunction" => {
                function.exists = false;
                function.policy = None;
                function.alias_policy = None;
                Prediction::ok(None)
            }
            _ => Prediction::ok(None),
        }
    }
}
