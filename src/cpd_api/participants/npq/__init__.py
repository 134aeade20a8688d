"""NPQ participants: enrolments created by accepting applications, and the provider's actions
on them (withdraw, defer, resume, change schedule)."""
