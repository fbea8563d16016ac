//! Checks requests and JSON against Clerk's OpenAPI extracts in `tests/spec`.
//!
//! OpenAPI 3.0 schemas are turned into JSON Schema (`nullable` becomes a `null` type,
//! `$ref`s to components are inlined) and checked with the `jsonschema` crate. Form
//! bodies are decoded and each field checked against its property.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clerk_metadata::ApiVersion;
use serde_json::{Map, Value, json};

/// Adds the entries of the object at `path` in `from` to the object at `path` in
/// `into`, creating it there if need be.
fn merge_objects(into: &mut Value, from: &Value, path: &[&str]) {
    let mut source = from;
    for key in path {
        source = &source[*key];
    }
    let Some(entries) = source.as_object() else {
        return;
    };
    let mut target = into;
    for key in path {
        target = target
            .as_object_mut()
            .expect("spec sections are objects")
            .entry(key.to_string())
            .or_insert_with(|| json!({}));
    }
    if let Some(target) = target.as_object_mut() {
        target.extend(entries.clone());
    }
}

/// Which API a spec describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// The Backend API: JSON bodies, paths relative to `/v1`.
    Backend,
    /// The Frontend API: form bodies, paths starting `/v1`.
    Frontend,
}

/// One spec extract, loaded.
pub struct Spec {
    api: Api,
    doc: Value,
}

fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("spec")
}

impl Spec {
    /// The extract for `api` at `version`. The Frontend API's spec store starts at
    /// 2025-11-10, so 2021-02-05 frontend requests are checked against that one.
    pub fn load(api: Api, version: ApiVersion) -> Spec {
        let file = match (api, version) {
            (Api::Backend, v) => format!("bapi-{}-users.yml", v.as_str()),
            (Api::Frontend, ApiVersion::V2026_05_12) => "fapi-2026-05-12-me.yml".to_owned(),
            (Api::Frontend, _) => "fapi-2025-11-10-me.yml".to_owned(),
        };
        let read = |file: &str| -> Value {
            let text = std::fs::read_to_string(spec_dir().join(file))
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
        };
        let mut doc = read(&file);
        // The Backend API's read operations (GET user, GET JWKS) are a second extract,
        // the user's deletion a third, and the organization, membership and invitation
        // operations a fourth, the user list and count a fifth.
        if api == Api::Backend {
            for extract in ["reads", "delete", "organizations", "list"] {
                let more = read(&format!("bapi-{}-{extract}.yml", version.as_str()));
                for path in [
                    &["paths"][..],
                    &["components", "schemas"],
                    &["components", "responses"],
                    &["components", "parameters"],
                ] {
                    merge_objects(&mut doc, &more, path);
                }
            }
        }
        Spec { api, doc }
    }

    /// A component schema (`#/components/schemas/NAME`) as JSON Schema.
    pub fn component(&self, name: &str) -> Value {
        let schema = self.doc["components"]["schemas"]
            .get(name)
            .unwrap_or_else(|| panic!("no component {name}"))
            .clone();
        self.to_json_schema(&schema)
    }

    /// The operation for `method` and a concrete `path`, if the spec has one.
    fn operation(&self, method: &str, path: &str) -> Option<&Value> {
        let path = match self.api {
            Api::Backend => path.strip_prefix("/v1")?,
            Api::Frontend => path,
        };
        let paths = self.doc["paths"].as_object()?;
        paths.iter().find_map(|(key, op)| {
            let (m, template) = key.split_once(' ')?;
            (m.eq_ignore_ascii_case(method) && path_matches(template, path)).then_some(op)
        })
    }

    /// Checks a request: the operation exists, the headers say the version and the
    /// content type the spec takes, and the body validates against the requestBody
    /// schema. Returns every problem found.
    pub fn check(
        &self,
        request: &http::Request<Vec<u8>>,
        version: ApiVersion,
    ) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        let Some(op) = self.operation(request.method().as_str(), request.uri().path()) else {
            return Err(vec![format!(
                "no operation {} {}",
                request.method(),
                request.uri()
            )]);
        };
        problems.extend(self.check_query(op, request.uri().query().unwrap_or_default()));
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
        if header("clerk-api-version") != Some(version.as_str()) {
            problems.push("Clerk-API-Version header does not name the version".to_owned());
        }
        if op.get("requestBody").is_none() {
            // A read: no body, and nothing that claims one.
            if !request.body().is_empty() || header("content-type").is_some() {
                problems.push("the operation takes no body".to_owned());
            }
            return if problems.is_empty() {
                Ok(())
            } else {
                Err(problems)
            };
        }
        let content_type = header("content-type").unwrap_or_default();
        let Some(schema) = op["requestBody"]["content"]
            .get(content_type)
            .map(|c| &c["schema"])
        else {
            problems.push(format!("the operation takes no `{content_type}` body"));
            return Err(problems);
        };
        let schema = self.to_json_schema(schema);
        let instance = if content_type == "application/x-www-form-urlencoded" {
            match form_instance(request.body(), &schema) {
                Ok(v) => v,
                Err(mut p) => {
                    problems.append(&mut p);
                    return Err(problems);
                }
            }
        } else {
            match serde_json::from_slice::<Value>(request.body()) {
                Ok(v) => v,
                Err(e) => {
                    problems.push(format!("body is not JSON: {e}"));
                    return Err(problems);
                }
            }
        };
        problems.extend(validate(&schema, &instance));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Checks a query string: each parameter one the operation lists `in: query`
    /// (directly or by `$ref` to `#/components/parameters/…`), its value valid for the
    /// parameter's schema (an integer within its bounds, a string, a boolean).
    fn check_query(&self, op: &Value, query: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let parameters: Vec<Value> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| match p.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let name = reference.rsplit('/').next().unwrap_or_default();
                    self.doc["components"]["parameters"][name].clone()
                }
                None => p.clone(),
            })
            .collect();
        let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(query) else {
            return vec![format!("the query string `{query}` cannot be decoded")];
        };
        for (name, value) in &pairs {
            let (name, value) = (name.as_str(), value.as_str());
            let Some(parameter) = parameters
                .iter()
                .find(|p| p["in"] == "query" && p["name"] == name)
            else {
                problems.push(format!("no query parameter `{name}`"));
                continue;
            };
            let mut schema = self.to_json_schema(&parameter["schema"]);
            // An array parameter is sent as the name repeated, one item each.
            if schema["type"] == "array" {
                schema = schema["items"].clone();
            }
            let instance = match schema["type"].as_str() {
                Some("integer") => match value.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => {
                        problems.push(format!("query `{name}` is not an integer"));
                        continue;
                    }
                },
                Some("boolean") => match value {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => {
                        problems.push(format!("query `{name}` is not a boolean"));
                        continue;
                    }
                },
                _ => Value::String(value.to_owned()),
            };
            for problem in validate(&schema, &instance) {
                problems.push(format!("query `{name}`: {problem}"));
            }
        }
        problems
    }

    /// OpenAPI 3.0 schema → JSON Schema: inline `$ref`s, turn `nullable` into `null`.
    fn to_json_schema(&self, schema: &Value) -> Value {
        let Some(object) = schema.as_object() else {
            return schema.clone();
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let name = reference.trim_start_matches("#/components/schemas/");
            return match self.doc["components"]["schemas"].get(name) {
                Some(target) => self.to_json_schema(target),
                // Components outside the extract (EmailAddress, …): any value.
                None => json!({}),
            };
        }
        let mut out = Map::new();
        for (key, value) in object {
            let converted = match key.as_str() {
                "properties" => Value::Object(
                    value
                        .as_object()
                        .map(|props| {
                            props
                                .iter()
                                .map(|(k, v)| (k.clone(), self.to_json_schema(v)))
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
                "items" | "additionalProperties" if value.is_object() => self.to_json_schema(value),
                "allOf" | "anyOf" | "oneOf" => Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|v| self.to_json_schema(v))
                        .collect(),
                ),
                "nullable" | "deprecated" | "example" | "description" => continue,
                _ => value.clone(),
            };
            out.insert(key.clone(), converted);
        }
        if object.get("nullable") == Some(&Value::Bool(true)) {
            if let Some(ty) = out.get("type").cloned() {
                out.insert("type".to_owned(), json!([ty, "null"]));
                if let Some(Value::Array(values)) = out.get_mut("enum") {
                    values.push(Value::Null);
                }
            } else {
                return json!({"anyOf": [Value::Object(out), {"type": "null"}]});
            }
        }
        Value::Object(out)
    }
}

/// Whether a concrete path fits a template such as `/users/{user_id}/metadata`.
fn path_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<_>, Vec<_>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, p)| {
            if t.starts_with('{') {
                !p.is_empty()
            } else {
                t == p
            }
        })
}

/// Decodes a form body into the JSON object the schema describes: each field once,
/// each a property of the schema, strings as strings; `unsafe_metadata` must hold a
/// JSON object.
fn form_instance(body: &[u8], schema: &Value) -> Result<Value, Vec<String>> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|e| vec![format!("body is not a form: {e}")])?;
    let mut problems = Vec::new();
    let mut object = BTreeMap::new();
    for (key, value) in pairs {
        if schema["properties"].get(&key).is_none() {
            problems.push(format!("form field `{key}` is not in the spec"));
        }
        if key == "unsafe_metadata"
            && !matches!(serde_json::from_str::<Value>(&value), Ok(Value::Object(_)))
        {
            problems.push("unsafe_metadata is not a JSON object".to_owned());
        }
        if object.insert(key.clone(), Value::String(value)).is_some() {
            problems.push(format!("form field `{key}` sent twice"));
        }
    }
    if problems.is_empty() {
        Ok(Value::Object(object.into_iter().collect()))
    } else {
        Err(problems)
    }
}

/// Every way `instance` fails `schema`.
pub fn validate(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => return vec![format!("schema does not compile: {e}")],
    };
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}
