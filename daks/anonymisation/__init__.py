"""Turns exact counts into what each tier may see: buckets on the town's calendar, policies
per metric and tier, primary and secondary suppression, rounding, the dominance rule, and
the attacker audit that refuses a release from which a hidden number can be rebuilt.

Pure: takes and returns values (stdlib and pydantic only); never the store, the web or the
settings. The release builder in `daks.publishers.release` composes it.

Errors (one tree, all importable from `daks.anonymisation.errors`)::

    AnonymisationError            anything this package refuses
    ├── PolicyError               an unknown policy, or a configuration that names one wrongly
    ├── BucketError               an instant or interval that does not fit the calendar
    └── DisclosureError           the audit found cells an attacker can pin or narrow:
                                  the release is refused (`.disclosures` lists them)
"""
