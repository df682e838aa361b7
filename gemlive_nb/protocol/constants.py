"""The Live API's wire constants: sample rates, dialects, message types, the tool-name rule.

The one home of these values; everything else imports them::

    from gemlive_nb import protocol as p
    p.INPUT_RATE, p.OUTPUT_RATE          # (16000, 24000)
    p.check_tool_name("get_weather")     # 'get_weather'
"""

from __future__ import annotations

import re
from enum import IntEnum

from ..exceptions import ToolNameError

INPUT_RATE = 16000
"""Native sample rate of microphone audio sent to the service (Hz)."""
OUTPUT_RATE = 24000
"""Sample rate of the audio the service sends (Hz)."""

DIALECTS = ("google", "vertex", "mixroute")
"""The wire dialects: how a server spells the setup's model reference and ``usageMetadata``.

``google`` (Gemini API, and the emulator by default), ``vertex`` (Vertex AI) and ``mixroute``
(the mixroute proxy). An endpoint speaks one of them.
"""

# The service's rule (google-genai FunctionDeclaration.name): start with a letter or '_', then
# letters, digits, '_', '.', ':' or '-', at most 128 characters in all.
TOOL_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]{0,127}")
"""Valid function (tool) names; use with ``fullmatch`` or through :func:`check_tool_name`."""


def check_tool_name(name: object) -> str:
    """Return ``name`` if the service accepts it as a function name, else raise ToolNameError.

    ToolNameError is both a ConfigError and a ToolError. Example::

        check_tool_name("maps:lookup")   # 'maps:lookup'
        check_tool_name("2fast")         # ToolNameError: tool name '2fast' is not valid — …
    """
    if isinstance(name, str) and TOOL_NAME_RE.fullmatch(name):
        return name
    raise ToolNameError(
        f"tool name {name!r:.80} is not valid — start with a letter or '_', then letters, "
        "digits, '_', '.', ':' or '-' (at most 128 characters); rename it, e.g. with "
        "@gl.tool(name=...)"
    )


CLIENT_MESSAGE_TYPES = ("setup", "clientContent", "realtimeInput", "toolResponse", "contextUpdate")
SERVER_MESSAGE_TYPES = (
    "setupComplete",
    "serverContent",
    "toolCall",
    "toolCallCancellation",
    "goAway",
    "sessionResumptionUpdate",
    "voiceActivity",
    "voiceActivityDetectionSignal",
    "usageMetadata",
)
SCHEDULING_VALUES = ("SILENT", "WHEN_IDLE", "INTERRUPT")

# The service's refusal of a response modality the model cannot give (TEXT on native-audio
# models and on 3.1, alone or beside AUDIO): close 1007 with this reason. Public reports quoted
# in the Live API issue trackers (2026); older reports show the generic "Request contains an
# invalid argument." for ["AUDIO", "TEXT"] (go-genai#490, js-genai#382).
MODALITY_REFUSAL = (
    "The requested combination of response modalities (TEXT) is not supported by the model"
)
"""The close reason (code 1007) of a setup asking for a response modality the model lacks."""


class CloseCode(IntEnum):
    """WebSocket close codes the Live API uses (PROTOCOL.md §1). ``CloseCode(1007).name``."""

    NORMAL = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    ABNORMAL = 1006  # no close frame arrived
    INVALID_ARGUMENT = 1007  # bad setup, bad language code, expired key, …
    POLICY_VIOLATION = 1008  # bad credentials, unknown model, end of connection lifetime
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011

    @classmethod
    def describe(cls, code: int) -> str:
        """``'INVALID_ARGUMENT (1007)'``, or ``'1234'`` for a code without a name."""
        try:
            return f"{cls(code).name} ({int(code)})"
        except ValueError:
            return str(code)
