"""The procedure of admission as the Party's texts state it: stages and kinds, eligibility rules,
statutory clocks on the working-day calendar, and recording what happened to a candidate."""
