"""The kernel below every domain app (DESIGN "Layers").

What every lifecycle shares and no domain owns: the error hierarchy (`errors`), locking and
idempotency (`locking`), numbered counters (`sequences`), the table of allowed moves with named
state sets (`workflow`), extension points that lower apps declare and higher apps fill in their
`AppConfig.ready` (`hooks`), the permission vocabulary (`permissions`) and the API's error contract
(`api_errors`). It imports Django and `onestop.lib` only; import-linter holds it to that.
"""
