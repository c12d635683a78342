"""Claude Code's tool names that the guard watches: one list of each kind, here only.

Hook matchers are regular expressions over the tool name (Claude Code hooks
reference); the installed PreToolUse matcher is made from these lists.
"""
from __future__ import annotations

# Tools that run shell commands: Bash, and Monitor, which watches a command's output; in Claude Code 2.1.332
# also PowerShell (its command is read with bash's grammar: PowerShell-only syntax in a command that mentions
# aws cannot be proven safe and is denied) and the MCP shells of Claude Code's own servers. Their
# tool_input.command is decided like any command line.
SHELL_TOOLS = ("Bash", "Monitor", "PowerShell", "mcp__workspace__bash", "mcp__remote-devices__device_bash")
# Tools that read, write or search files: none may name the AWS CLI's credential and config files (AG501).
FILE_TOOLS = ("Read", "Edit", "MultiEdit", "Write", "Grep", "Glob", "NotebookEdit")
# The tool_input fields of those tools that hold a path or a pattern over paths.
PATH_FIELDS = ("file_path", "path", "pattern", "glob", "notebook_path")
MATCHER = "|".join(SHELL_TOOLS + FILE_TOOLS)
