//! Standard output for the example programs: a closed reader ends the program quietly.
//!
//! `println!` panics when it cannot write, so `bank --history | head` used to end with
//! "failed printing to stdout: Broken pipe" once `head` had its lines. [`outln!`](crate::outln)
//! and [`out!`](crate::out) write the same text, and when the reader has gone (a broken pipe)
//! they end the program with success, printing nothing more: what was asked for was shown.
//! Any other write error is reported on stderr and ends the program with a failure.
//!
//! The programs write their state to their stores before they print about it, so ending in the
//! middle of the output loses nothing.

use std::io::Write;

/// Like `println!`, but a reader that has gone ends the program quietly (see the
/// [module](crate::output)).
///
/// ```
/// examples::outln!("balance: {}", 42);
/// ```
#[macro_export]
macro_rules! outln {
    () => {
        $crate::output::write(::std::format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write(::std::format_args!("{}\n", ::std::format_args!($($arg)*)))
    };
}

/// Like `print!`, but a reader that has gone ends the program quietly (see the
/// [module](crate::output)).
///
/// ```
/// examples::out!("no newline");
/// ```
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write(::std::format_args!($($arg)*))
    };
}

/// Writes `text` to standard output; on failure, ends the program (quietly, with success, if
/// the reader has gone). [`outln!`](crate::outln) and [`out!`](crate::out) call it.
pub fn write(text: std::fmt::Arguments<'_>) {
    if let Err(error) = std::io::stdout().lock().write_fmt(text) {
        end_on(&error);
    }
}

/// Ends the program after a failed write to standard output.
fn end_on(error: &std::io::Error) -> ! {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("cannot write to standard output: {error}");
    std::process::exit(1);
}
