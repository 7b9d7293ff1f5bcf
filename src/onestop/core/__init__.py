"""The kernel below every domain app (DESIGN "Layers").

What every lifecycle shares and no domain owns: the error hierarchy (`errors`), locking and
idempotency (`locking`), numbered counters (`sequences`), the table of allowed moves with named
state sets (`workflow`), extension points that lower apps declare and higher apps fill in their
`AppConfig.ready` (`hooks`), the job schedule each app fills (`jobs`), the abstract history row
(`models`), form helpers (`forms`), the read-only admin base (`admin`) and the deployment's names
for templates (`deployment`). It imports Django and `onestop.lib` only; import-linter holds it
to that.
"""
