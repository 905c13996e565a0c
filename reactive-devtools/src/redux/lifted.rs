//! What Redux DevTools monitors understand, built from a store's history, and what they send
//! back: the "lifted state" (every action with the state after it), single actions, and the
//! monitor's jump commands.
//!
//! A store's history step `i` is shown as action id `i` (staged at position `i`, so
//! `JUMP_TO_STATE { index }` and `JUMP_TO_ACTION { actionId }` both name step `i`), whose type is
//! the step's label and whose payload carries its patches.

use serde_json::{Map, Value, json};

/// One history step as the monitor is shown it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Step {
    /// The step's label: the action's type.
    pub label: String,
    /// Its patches (JSON), shown as the action's `patches`.
    pub patches: Vec<Value>,
    /// The state after it (JSON).
    pub state: Value,
}

/// What the app tells the monitor about itself, in every message.
#[derive(Clone, Debug)]
pub(crate) struct Instance {
    /// The SocketCluster socket id the server gave us.
    pub socket_id: String,
    /// The name the monitor lists the instance under.
    pub name: String,
    /// Our own instance id (the monitor addresses commands to it).
    pub instance_id: String,
}

impl Instance {
    fn envelope(&self, kind: &str) -> Map<String, Value> {
        let mut message = Map::new();
        message.insert("type".into(), kind.into());
        message.insert("id".into(), self.socket_id.clone().into());
        message.insert("name".into(), self.name.clone().into());
        message.insert("instanceId".into(), self.instance_id.clone().into());
        message
    }

    /// `START`: the instance is here (the monitor answers with `START`, asking for the state).
    pub fn start(&self) -> Value {
        Value::Object(self.envelope("START"))
    }

    /// `STATE`: the whole lifted state (every step, the current one at `position`).
    pub fn state(&self, steps: &[Step], position: usize) -> Value {
        let mut message = self.envelope("STATE");
        message.insert(
            "payload".into(),
            lifted_state(steps, position).to_string().into(),
        );
        Value::Object(message)
    }

    /// `ACTION`: step `id` (the last one) was added, `step.state` is the state after it.
    pub fn action(&self, id: usize, step: &Step, timestamp_ms: u64) -> Value {
        let mut message = self.envelope("ACTION");
        message.insert("payload".into(), step.state.to_string().into());
        message.insert(
            "action".into(),
            perform_action(step, timestamp_ms).to_string().into(),
        );
        message.insert("isExcess".into(), false.into());
        message.insert("nextActionId".into(), (id + 1).into());
        Value::Object(message)
    }
}

fn perform_action(step: &Step, timestamp_ms: u64) -> Value {
    json!({
        "type": "PERFORM_ACTION",
        "action": { "type": step.label, "patches": step.patches },
        "timestamp": timestamp_ms,
    })
}

/// The lifted state of a history whose current step is `position`.
pub(crate) fn lifted_state(steps: &[Step], position: usize) -> Value {
    let actions: Map<String, Value> = steps
        .iter()
        .enumerate()
        .map(|(i, step)| (i.to_string(), perform_action(step, 0)))
        .collect();
    let computed: Vec<Value> = steps.iter().map(|s| json!({ "state": s.state })).collect();
    json!({
        "actionsById": actions,
        "computedStates": computed,
        "committedState": steps.first().map(|s| s.state.clone()).unwrap_or(Value::Null),
        "currentStateIndex": position.min(steps.len().saturating_sub(1)),
        "nextActionId": steps.len(),
        "stagedActionIds": (0..steps.len()).collect::<Vec<_>>(),
        "skippedActionIds": [],
        "isLocked": false,
        "isPaused": false,
    })
}

/// What a monitor asked of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum MonitorCommand {
    /// Make history step `n` current (`JUMP_TO_STATE`, `JUMP_TO_ACTION`).
    Jump(usize),
    /// Send the whole state again (`START`, `UPDATE`: a monitor opened or asked).
    SendState,
}

/// Reads a message published to the app by a monitor: `None` for what we do not act on
/// (other instances' commands, `STOP`, imports, dispatching app actions).
pub(crate) fn monitor_command(message: &Value, instance_id: &str) -> Option<MonitorCommand> {
    if let Some(to) = message.get("instanceId").and_then(Value::as_str)
        && to != instance_id
    {
        return None;
    }
    match message.get("type")?.as_str()? {
        "START" | "UPDATE" => Some(MonitorCommand::SendState),
        "DISPATCH" => {
            let action = message.get("action")?;
            let index = match action.get("type")?.as_str()? {
                "JUMP_TO_STATE" => action.get("index")?,
                "JUMP_TO_ACTION" => action.get("actionId")?,
                _ => return None,
            };
            Some(MonitorCommand::Jump(usize::try_from(index.as_u64()?).ok()?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(label: &str, n: i64) -> Step {
        Step {
            label: label.into(),
            patches: vec![json!({"op": "replace", "path": "", "value": n})],
            state: json!(n),
        }
    }

    fn instance() -> Instance {
        Instance {
            socket_id: "sock".into(),
            name: "todos".into(),
            instance_id: "me".into(),
        }
    }

    #[test]
    fn the_lifted_state_stages_each_step_as_the_action_of_its_index_with_its_state() {
        let steps = [step("initial", 0), step("add", 1), step("add", 2)];
        let lifted = lifted_state(&steps, 1);
        assert_eq!(lifted["stagedActionIds"], json!([0, 1, 2]));
        assert_eq!(lifted["nextActionId"], 3);
        assert_eq!(lifted["currentStateIndex"], 1);
        assert_eq!(lifted["actionsById"]["2"]["action"]["type"], "add");
        assert_eq!(lifted["computedStates"][2]["state"], 2);
        assert_eq!(lifted["committedState"], 0);
    }

    #[test]
    fn a_state_message_carries_the_lifted_state_as_a_json_string() {
        let message = instance().state(&[step("initial", 7)], 0);
        assert_eq!(message["type"], "STATE");
        assert_eq!(message["instanceId"], "me");
        let payload: Value = serde_json::from_str(message["payload"].as_str().unwrap()).unwrap();
        assert_eq!(payload["computedStates"][0]["state"], 7);
    }

    #[test]
    fn an_action_message_names_the_next_action_id_and_carries_state_and_action_as_strings() {
        let message = instance().action(3, &step("rename", 5), 42);
        assert_eq!(message["nextActionId"], 4);
        let action: Value = serde_json::from_str(message["action"].as_str().unwrap()).unwrap();
        assert_eq!(action["type"], "PERFORM_ACTION");
        assert_eq!(action["action"]["type"], "rename");
        assert_eq!(action["timestamp"], 42);
        assert_eq!(message["payload"], "5");
    }

    #[test]
    fn monitor_jumps_name_the_step_by_state_index_or_action_id() {
        let to_state = json!({"type": "DISPATCH", "action": {"type": "JUMP_TO_STATE", "index": 2, "actionId": 2}, "instanceId": "me"});
        let to_action =
            json!({"type": "DISPATCH", "action": {"type": "JUMP_TO_ACTION", "actionId": 1}});
        assert_eq!(
            monitor_command(&to_state, "me"),
            Some(MonitorCommand::Jump(2))
        );
        assert_eq!(
            monitor_command(&to_action, "me"),
            Some(MonitorCommand::Jump(1))
        );
    }

    #[test]
    fn commands_for_other_instances_and_unknown_or_malformed_ones_are_ignored() {
        let other = json!({"type": "DISPATCH", "action": {"type": "JUMP_TO_STATE", "index": 0}, "instanceId": "someone"});
        assert_eq!(monitor_command(&other, "me"), None);
        for message in [
            json!({"type": "STOP"}),
            json!({"type": "DISPATCH", "action": {"type": "TOGGLE_ACTION", "id": 1}}),
            json!({"type": "DISPATCH", "action": {"type": "JUMP_TO_STATE", "index": -1}}),
            json!({"type": "DISPATCH"}),
            json!("START"),
            json!({"type": 3}),
        ] {
            assert_eq!(monitor_command(&message, "me"), None, "{message}");
        }
        assert_eq!(
            monitor_command(&json!({"type": "START"}), "me"),
            Some(MonitorCommand::SendState)
        );
    }
}
