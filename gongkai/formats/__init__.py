"""Format overrides for the one language Gongkai speaks (settings.FORMAT_MODULE_PATH).

Django's zh-hans formats put ``%Y/%m/%d`` first, so every ``<input type="date">`` was given
``2026/12/02``, which browsers show as blank: saving a form then failed, or silently erased an
optional date. Inputs render ISO first; the other spellings are still accepted when typed.
"""
