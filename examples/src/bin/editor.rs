//! A small text editor's state: a scope per open document, each with a store of its text
//! (undo, redo, grouped edits, validation), edit commands sent as events, views that re-render
//! only when what they show changed, a read-only reviewer held back by a policy, and the
//! session saved to JSON and restored.
//!
//! Run it with `cargo run -p examples --bin editor`. With `--devtools` (or `--devtools=ADDR`,
//! default `127.0.0.1:7777`) it then serves the devtools page and keeps running until
//! interrupted, taking lines on standard input: `insert TEXT` adds a line to the notes,
//! `undo`, `state` prints them, `quit` stops.

use examples::{out, outln};
use std::cell::Cell;
use std::rc::Rc;

use examples::editor::{Document, add_document_rules};
use reactive::devtools::{Devtools, DevtoolsOptions};
use reactive::store::{
    Access, EventError, EventInfo, EventInterceptor, Key, Policy, Principal, Scope, ScopeSnapshot,
    Store, path,
};
use reactive::{Effect, create_root};

/// What the session's scopes hold, each name declared once with its type.
const THEME: Key<String> = Key::new("theme");
const MAX_WIDTH: Key<usize> = Key::new("max_width");
/// Each document scope provides its store (a handle: never saved).
const STORE: Key<Store<Document>> = Key::new("store");
/// The document's text, kept in its scope so that it is saved with the session.
const DOCUMENT: Key<Document> = Key::new("document");

/// Scope and event errors alike end the example with a message.
type Error = Box<dyn std::error::Error>;

/// What the user asks a document to do: the events of the `edit.*` topics.
#[derive(Clone, Debug)]
enum Edit {
    Insert { line: usize, text: String },
    Replace { line: usize, text: String },
    Delete { line: usize },
    Paste { at: usize, text: String },
}

/// Counts "re-renders" of each view, to show which ones ran.
#[derive(Clone, Default)]
struct Renders(Rc<Cell<usize>>);

impl Renders {
    fn hit(&self) {
        self.0.set(self.0.get() + 1);
    }
}

/// Prints every event that goes through the session (an interceptor, like devtools would).
struct EventLogger;

impl EventInterceptor for EventLogger {
    fn before(&self, e: &EventInfo<'_>) -> Result<(), reactive::store::Veto> {
        outln!(
            "  event #{} {} from {}",
            e.seq,
            e.topic,
            e.origin.path().unwrap_or_default()
        );
        Ok(())
    }
}

/// Opens a document: a child scope holding its store, its validation rules, and the handlers
/// that turn edit events into transactions.
fn open(session: Scope, name: &str, title: &str, text: &str) -> Result<Scope, Error> {
    let doc = session.child(name)?;
    let store = Store::new(Document {
        title: title.into(),
        lines: text.lines().map(String::from).collect(),
    });
    let max_width = session.get(MAX_WIDTH)?.unwrap_or(80);
    add_document_rules(&store, max_width);
    doc.provide(STORE, store)?;
    doc.on::<Edit>("edit.**").handle(move |cx, edit| {
        let result = match edit.clone() {
            Edit::Insert { line, text } => store
                .transaction("insert line")
                .update(|d| d.lines.insert(line.min(d.lines.len()), text))
                .map(drop),
            Edit::Replace { line, text } => store
                .transaction("replace line")
                .update(|d| d.lines[line] = text)
                .map(drop),
            Edit::Delete { line } => store
                .transaction("delete line")
                .update(|d| {
                    d.lines.remove(line);
                })
                .map(drop),
            // Several transactions, one undo step.
            Edit::Paste { at, text } => store.group("paste", || {
                text.lines().enumerate().try_for_each(|(i, l)| {
                    store
                        .update(|d| d.lines.insert(at + i, l.to_string()))
                        .map(drop)
                })
            }),
        };
        if let Err(e) = result {
            outln!("  rejected {}: {e}", cx.topic());
        }
    })?;
    doc.on::<()>("history.undo").handle(move |_, _| {
        store.undo().expect("undo");
    })?;
    doc.on::<()>("history.redo").handle(move |_, _| {
        store.redo().expect("redo");
    })?;
    Ok(doc)
}

fn store_of(doc: Scope) -> Store<Document> {
    doc.get_provided(STORE)
        .expect("readable")
        .expect("every document scope provides its store")
}

fn main() {
    let devtools = examples::devtools_addr().map(|addr| {
        DevtoolsOptions::new()
            .app_name("editor")
            .serve(addr.as_str())
            .expect("the devtools address can be listened on")
    });
    let (app, ui) = create_root(|| run(devtools.as_ref()).expect("the editor session"));
    if let Some(devtools) = &devtools {
        serve_until_quit(devtools, app).expect("the devtools session");
    }
    ui.dispose();
    outln!(
        "\nall disposed: {} scopes left, {} event tables left",
        Scope::live_count(),
        Scope::live_event_tables()
    );
}

/// After the script: the app stays up for the devtools page, taking commands on stdin.
fn serve_until_quit(devtools: &Devtools, app: Scope) -> Result<(), Error> {
    let notes = app.find("session/notes")?.expect("the notes document");
    let store = store_of(notes);
    outln!(
        "\n== devtools on {} (stdin: insert TEXT | undo | state | quit)",
        devtools.url()
    );
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let print_state = || {
        let lines: Vec<String> = store.snapshot_untracked().lines.iter().cloned().collect();
        outln!("notes: {lines:?}");
    };
    let mut shown = store.snapshot_untracked();
    loop {
        for line in lines.try_iter() {
            match line.split_once(' ').unwrap_or((line.as_str(), "")) {
                ("insert", text) => {
                    let line = store.snapshot_untracked().lines.len();
                    notes.emit(
                        "edit.line",
                        Edit::Insert {
                            line,
                            text: text.into(),
                        },
                    )?;
                }
                ("undo", _) => drop(notes.emit("history.undo", ())?),
                ("state", _) => print_state(),
                ("quit", _) => return Ok(()),
                (other, _) => outln!("unknown command {other:?}"),
            }
        }
        devtools.pump();
        // Whatever changed the notes (a command above, a time-travel jump from the page): say so.
        let now = store.snapshot_untracked();
        if now != shown {
            shown = now;
            print_state();
        }
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
}

fn run(devtools: Option<&Devtools>) -> Result<Scope, Error> {
    outln!("== a session with two documents");
    let app = Scope::root("app")?;
    if let Some(devtools) = devtools {
        devtools.attach_scope(app)?;
    }
    app.set(THEME, "dark".to_string())?;
    app.set(MAX_WIDTH, 40)?;
    let session = app.child("session")?;
    session.add_interceptor(EventLogger)?;
    let notes = open(session, "notes", "Notes", "buy milk\ncall Ada")?;
    let draft = open(session, "draft", "Draft", "Dear reader,")?;
    draft.set(THEME, "light".to_string())?; // this document overrides the app's theme
    if let Some(devtools) = devtools {
        devtools.attach_store("notes", store_of(notes))?;
        devtools.attach_store("draft", store_of(draft))?;
    }

    // Views: the status bar of each document (a memo over the snapshot), and the first line of
    // `notes` (a selection by path). Each counts its renders.
    let status_renders = Renders::default();
    let first_line_renders = Renders::default();
    for doc in [notes, draft] {
        let store = store_of(doc);
        let status = store.select(|d| format!("{} — {} lines", d.title, d.lines.len()));
        if let Some(devtools) = devtools {
            devtools.inspect(status.id(), status.named("status bar"));
        }
        let r = status_renders.clone();
        Effect::new(move || {
            let theme = doc.get(THEME).unwrap().unwrap_or_default();
            outln!("  [status {theme}] {}", status.get());
            r.hit();
        });
    }
    let first_line = store_of(notes).watch::<String>(path!(lines[0]));
    if let Some(devtools) = devtools {
        devtools.inspect(first_line.id(), first_line.named("notes line 1"));
    }
    let r = first_line_renders.clone();
    Effect::new(move || {
        outln!(
            "  [notes line 1] {:?}",
            first_line.get().unwrap_or_default()
        );
        r.hit();
    });

    outln!("\n== editing: only the views whose data changed re-render");
    notes.emit(
        "edit.line",
        Edit::Replace {
            line: 1,
            text: "call Ada at 5".into(),
        },
    )?;
    notes.emit(
        "edit.line",
        Edit::Insert {
            line: 0,
            text: "TODO".into(),
        },
    )?;
    notes.emit(
        "edit.paste",
        Edit::Paste {
            at: 3,
            text: "eggs\nflour\nsugar".into(),
        },
    )?;
    draft.emit(
        "edit.line",
        Edit::Replace {
            line: 0,
            text: "x".repeat(60),
        },
    )?; // too long
    outln!(
        "  renders: status {} (2 initial), first line {} (1 initial)",
        status_renders.0.get(),
        first_line_renders.0.get()
    );

    outln!("\n== undo and redo (the paste is one step)");
    notes.emit("history.undo", ())?;
    notes.emit("history.undo", ())?;
    notes.emit("history.redo", ())?;
    for step in store_of(notes).history() {
        let mark = if step.current { "*" } else { " " };
        outln!("  {mark} {} ({} patches)", step.label, step.patches.len());
    }

    outln!("\n== theme: inherited until a document overrides it");
    app.set(THEME, "solarized".to_string())?; // `notes` re-renders, `draft` keeps its own
    draft.remove(THEME)?; // now `draft` follows the app again

    outln!("\n== a reviewer may read but not edit or emit");
    let reviewer = Principal::new("reviewer");
    session.set_policy(Policy::new(Access::ALL).grant(reviewer, Access::READ))?;
    let as_reviewer = notes.as_principal(reviewer)?;
    outln!("  reads theme: {:?}", as_reviewer.get(THEME)?);
    match as_reviewer.emit("edit.line", Edit::Delete { line: 0 }) {
        Err(EventError::AccessDenied(denied)) => outln!("  refused: {denied}"),
        other => outln!("  unexpected: {other:?}"),
    }

    outln!("\n== the scope tree (own and inherited values)");
    out!("{}", app.render_text()?);

    outln!("\n== the session saved to JSON and restored");
    for doc in [notes, draft] {
        // Keep the text in the scope so it is saved with the session.
        let text = store_of(doc).snapshot_untracked();
        doc.set(DOCUMENT, (*text).clone())?;
    }
    let json = session.save()?.to_json();
    outln!("  {} bytes of JSON", json.len());
    let restored = app.restore_child(&ScopeSnapshot::from_json(&json)?.renamed("restored")?)?;
    let doc = restored
        .find("notes")?
        .expect("saved")
        .get(DOCUMENT)?
        .expect("saved");
    outln!(
        "  restored notes: {:?}",
        doc.lines.iter().collect::<Vec<_>>()
    );
    match ScopeSnapshot::from_json(&json.replace("\"version\":1", "\"version\":7")) {
        Err(e) => outln!("  a file from the future: {e}"),
        Ok(_) => outln!("  unexpected: a file from the future was accepted"),
    }
    Ok(app)
}
