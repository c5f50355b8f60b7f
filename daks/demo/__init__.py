"""The demo data set: real open samples for their real publishers, and a deterministic
synthetic data set for the seven DAKS towns, labelled synthetic wherever it is shown.

- `bundle`: where the bundled samples and registries are, and which town and place each
  sample file is imported for.
- `towns`: the synthetic towns' streets, roads, shops, markets and events.
- `effects`: the patterns and the planted effects (market peaks, events, rain, conversion)
  as functions, so that the generator, the tests and docs/demo-data.md agree.
- `weather`, `generate`: the synthetic files, written in vendor formats into a directory.

Pure except for writing the generated files: nothing here touches the store; `daks demo`
(daks/cli/demo.py) composes it with the registry and the import pipeline.

Errors: `DemoError` is the root; `BundleError` says a bundled file is missing or does not
say what the demo expects of it.
"""

from __future__ import annotations


class DemoError(Exception):
    """Root of the demo package's errors."""


class BundleError(DemoError):
    """A bundled sample or registry file is missing or malformed."""
