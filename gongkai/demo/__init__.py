"""Demo data: deterministic, idempotent and fictional (every person and school in it).

``manage.py seed_demo`` loads it; ``manage.py demo_accounts`` prints the accounts. The
organisation tree and the accounts come first (``steps.DEMO_STEPS``); then every Gongkai app
that has a ``demo`` module contributes its own data through ``demo.seed(command)``, in the
order of ``INSTALLED_APPS``. This app sits above every other one, so the infrastructure in
``core`` never needs to know the domain apps to seed them.
"""
