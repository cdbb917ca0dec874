"""Account pages: ``twofactor`` and ``profile`` for everyone signed in; ``people`` (accounts
and roles) for the system and security administrators; ``security`` for the security
administrator; ``audit`` for the audit administrator."""
