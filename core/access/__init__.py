"""Who may do what: accounts and sign-in bookkeeping, the caller's scope, the audit trail, the
pages of each role and the view a request asks for."""
