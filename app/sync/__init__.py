"""Team sync: a git repository holding the SQLite file, merged three-way in SQL.

Modules, each small: ``repo`` (git plumbing), ``drivers`` (merge and diff drivers),
``merge`` (the SQL merge), ``swap`` (locking and replacing the live file), ``summary``
(what changed, in words), ``dump`` (text form for diffs), ``pending`` (finishing merges that
plain git left), ``conflicts`` (list and resolve), ``service`` (init, clone, sync).
Nothing here imports Textual; SQLModel is imported only where a merge or a resolve needs it.
"""
