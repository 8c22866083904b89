"""Services: load rows, call the domain, commit, then enqueue. Views and jobs call these."""
