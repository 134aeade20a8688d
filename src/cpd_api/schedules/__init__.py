"""Reference calendar: cohorts, schedules, milestones and NPQ courses."""
