"""Team sync: a git repository holding the SQLite file, merged three-way in SQL.

Modules, each small: ``repo`` (git plumbing), ``setup`` (init, clone), ``run`` (the run of
a sync), ``report`` (what a sync did), ``swap`` (locking and replacing the live file),
``swap_record`` (finishing a swap a killed sync left), ``workspace`` (lock, scratch),
``commits`` (author, trailers), ``housekeeping`` (packing loose objects), ``drivers`` (merge
and diff drivers), ``merge`` (the SQL merge), ``plain`` (plain git's merges), ``pending``
(what opening a file finishes), ``summary`` (what changed, in words), ``dump`` (text form
for diffs), ``conflicts`` (list and resolve).
Nothing here imports Textual; SQLModel is imported only where a merge or a resolve needs it.
"""
