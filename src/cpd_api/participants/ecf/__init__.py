"""ECF participants (ECTs and mentors): listing per version, training-status actions, intake."""
