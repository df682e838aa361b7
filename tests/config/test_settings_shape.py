"""The Settings protocol that ``config._wire`` and ``config._limits`` take instead of LiveConfig.

It exists so those modules need not import ``config.live`` (which imports them): the config
package has no import circle, type-only included. Its members must track LiveConfig's fields.
"""

from __future__ import annotations

import dataclasses

from gemlive_nb.config import LiveConfig
from gemlive_nb.config._shape import Settings


def _members(proto: type) -> set[str]:
    return {n for n in vars(proto) if not n.startswith("_")}


def test_settings_names_every_liveconfig_field_and_what_the_builders_call() -> None:
    fields = {f.name for f in dataclasses.fields(LiveConfig)}
    assert _members(Settings) == fields | {"check", "effective_system_instruction"}


def test_settings_field_types_are_liveconfigs() -> None:
    for f in dataclasses.fields(LiveConfig):
        prop = vars(Settings)[f.name]
        assert isinstance(prop, property), f.name
        assert prop.fget is not None and prop.fget.__annotations__["return"] == f.type, f.name
