"""Figures over one subtree, year and as-of date: progress against plan and pace, the funnel,
breakdowns, alerts, the projector's aggregates, and the tables they are shown in."""
