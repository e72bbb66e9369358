"""The agents: Mesa agents over a batch of members, each kind with its compiled rule."""
