"""Claude Code's side: the hook protocol, its tool names, its settings files, its session transcripts."""
