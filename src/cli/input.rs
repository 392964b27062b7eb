//! Text a command needs from the user: `-m TEXT`, `-F FILE`, `-F -` (stdin),
//! or, on a terminal only, the user's editor.

use anyhow::{bail, Context, Result};
use clap::Args;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

/// `-m TEXT` / `-F FILE`, shared by every command that takes a text.
#[derive(Debug, Args)]
pub struct TextArgs {
    /// The text (Markdown).
    #[arg(
        short = 'm',
        long = "message",
        value_name = "TEXT",
        conflicts_with = "file",
        allow_hyphen_values = true
    )]
    pub message: Option<String>,
    /// Read the text from FILE (`-` for standard input).
    #[arg(short = 'F', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
}

impl TextArgs {
    /// The text, from `-m`, `-F`, or the editor on a terminal; `what` names
    /// it in the editor's instructions.
    pub fn read(&self, what: &str) -> Result<Option<String>> {
        read_text(self.message.as_deref(), self.file.as_deref(), what)
    }
}

const SCISSORS: &str = "# ------------------------ >8 ------------------------";

/// Reads text from the first source given. Returns `None` when none was
/// given and no terminal is attached, so scripts never hang on a prompt.
pub fn read_text(message: Option<&str>, file: Option<&Path>, what: &str) -> Result<Option<String>> {
    if let Some(text) = message {
        return Ok(Some(text.to_string()));
    }
    if let Some(path) = file {
        return read_file_or_stdin(path).map(Some);
    }
    if on_terminal() {
        return edit(what, "").map(Some);
    }
    Ok(None)
}

/// Both ends of the session are a terminal: someone can use an editor.
pub fn on_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// The longest text `-F`, standard input or the editor gives: the limit
/// of every ticket text, and a guard against `-F /dev/zero`-like sources
/// filling memory.
const MAX_TEXT: u64 = crate::domain::text::MAX_TEXT_BYTES as u64;

fn read_file_or_stdin(path: &Path) -> Result<String> {
    if path == Path::new("-") {
        return read_bounded(std::io::stdin().lock(), "standard input");
    }
    if path.is_dir() {
        bail!("{} is a folder, not a text file", path.display());
    }
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_file() {
        bail!(
            "{} is not a regular file (a pipe, socket or device); use -F - to read standard input",
            path.display()
        );
    }
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    read_bounded(file, &path.display().to_string())
}

/// Reads UTF-8 text, refusing more than `MAX_TEXT` bytes.
fn read_bounded(source: impl Read, what: &str) -> Result<String> {
    let mut bytes = Vec::new();
    source
        .take(MAX_TEXT + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what}"))?;
    if bytes.len() as u64 > MAX_TEXT {
        bail!(
            "{what} holds more than {} KiB of text, the limit; attach large content with --attach instead",
            MAX_TEXT / 1024
        );
    }
    String::from_utf8(bytes).with_context(|| format!("cannot read {what} as UTF-8 text"))
}

/// Opens `$VISUAL`/`$EDITOR` (else `vi`) on a temporary file holding
/// `initial`, and returns what is above the scissors line when it exits.
pub fn edit(what: &str, initial: &str) -> Result<String> {
    let file = tempfile::Builder::new()
        .prefix("tkt-")
        .suffix(".md")
        .tempfile()
        .context("cannot create a temporary file for the editor")?;
    let instructions = format!(
        "\n\n{SCISSORS}\n# Write the {what} above this line, in Markdown.\n# Everything below the line is ignored; an empty {what} aborts.\n"
    );
    std::fs::write(file.path(), format!("{initial}{instructions}"))?;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("editor")
        .arg(file.path())
        .status()
        .with_context(|| format!("cannot start the editor `{editor}`"))?;
    if !status.success() {
        bail!("the editor `{editor}` failed ({status}); nothing was saved");
    }
    let text = read_file_or_stdin(file.path())?;
    Ok(text.split(SCISSORS).next().unwrap_or("").to_string())
}
