"""The sans-I/O link machine alone: events in, actions out, no socket and no clock."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gemlive_nb.exceptions import SessionClosed
from gemlive_nb.session.closes import CloseCode
from gemlive_nb.session.link_machine import (
    HANDLE_WAIT_S,
    Announce,
    Drain,
    Finish,
    KeepClose,
    Leave,
    LinkMachine,
    LinkStatus,
    Open,
    Resume,
    Warn,
)

WHERE = "the emulator"


def connected(**kw: object) -> LinkMachine:
    m = LinkMachine(WHERE, **kw)  # type: ignore[arg-type]
    assert m.start() == [Announce(LinkStatus.CONNECTING, WHERE), Open(0.0)]
    assert m.opened() == [Announce(LinkStatus.CONNECTED, WHERE)]
    return m


def test_status_is_a_str_enum_and_close_codes_are_ints() -> None:
    assert LinkStatus.CLOSED == "closed" and str(LinkStatus.CONNECTED) == "connected"
    assert f"{LinkStatus.RECONNECTING}" == "reconnecting"
    assert CloseCode.INTERNAL_ERROR == 1011 and str(CloseCode.POLICY_VIOLATION) == "1008"


def test_1011_is_retried_with_backoff_and_recorded() -> None:
    m = connected(backoff_s=0.25)
    actions = m.socket_closed(1011, "Internal error")
    assert actions == [
        KeepClose(1011, "Internal error"),
        Announce(LinkStatus.RECONNECTING, "Internal error", 1011),
        Open(0.25),
    ]
    assert m.status is LinkStatus.RECONNECTING and m.failures == 1


def test_a_drop_then_a_successful_reconnect_resumes_the_open_turns() -> None:
    m = connected(resumption=True, handle="h1")
    m.socket_closed(CloseCode.ABNORMAL, "the connection dropped without a close frame")
    actions = m.opened(had_context=True)
    assert actions == [
        Resume("a close (1006 the connection dropped without a close frame)"),
        Announce(LinkStatus.CONNECTED, f"resumed: {WHERE}"),
    ]
    assert m.reconnects == 1 and m.status is LinkStatus.CONNECTED


def test_without_a_handle_a_reconnect_after_a_turn_says_the_context_is_lost() -> None:
    m = connected()
    m.socket_closed(1011, "x")
    assert m.opened(had_context=True)[-1] == Announce(
        LinkStatus.CONNECTED, f"reconnected, context lost: {WHERE}"
    )


def test_a_bad_key_1008_is_never_retried() -> None:
    m = connected()
    actions = m.socket_closed(1008, "API key not valid")
    assert actions[0] == KeepClose(1008, "API key not valid")
    (finish,) = actions[1:]
    assert isinstance(finish, Finish) and finish.error.code == 1008
    assert "API key" in finish.error.hint and m.status is LinkStatus.CLOSED
    # at the first connect too: one attempt, then the error
    first = LinkMachine(WHERE)
    first.start()
    bad_key = SessionClosed(1008, "API key not valid")
    assert first.open_failed(bad_key) == [Finish(bad_key)]
    assert first.status is LinkStatus.CLOSED and first.failures == 1


def test_1008_aborted_is_retried() -> None:
    m = connected()
    assert isinstance(m.socket_closed(1008, "Operation was aborted")[-1], Open)


def test_goaway_drains_then_leaves_and_reconnects_at_once_without_counting_a_failure() -> None:
    m = connected(resumption=True)
    m.resumption_update("h2", resumable=True)
    assert m.goaway(10.0) == [Drain(8.0, HANDLE_WAIT_S)]
    assert m.goaway(10.0) == []  # one leave per connection
    assert m.leave() == [Leave(CloseCode.NORMAL, "goAway: reconnecting")]
    actions = m.socket_closed(1000, "goAway: reconnecting")
    assert actions == [
        Announce(LinkStatus.RECONNECTING, "goAway: reconnecting", 1000),
        Open(0.0),
    ]  # no KeepClose: our own close is not part of a cassette
    assert m.failures == 0 and m.handle == "h2"
    assert m.opened(had_context=True)[0] == Resume("goAway")
    assert m.goaway(1.0) == [Drain(0.5, 0.5)]  # a new connection may get its own goAway


def test_goaway_without_resumption_waits_for_no_handle() -> None:
    assert connected(resumption=False).goaway(10.0) == [Drain(8.0, 0.0)]


def test_a_handle_is_current_until_a_turn_ends_after_it() -> None:
    """The leave on goAway waits for a handle newer than the last turn's end (the service
    sends it between turns), so the reconnect does not forget that turn."""
    m = connected(resumption=True)
    assert not m.handle_current  # no handle yet
    m.resumption_update("h1", resumable=True)
    assert m.handle_current
    m.turn_closed()
    assert not m.handle_current and m.handle == "h1"  # h1 predates the turn
    m.resumption_update(None, resumable=False)  # mid-reply: not resumable now
    assert not m.handle_current and m.handle == "h1"
    m.resumption_update("h2", resumable=True)
    assert m.handle_current and m.handle == "h2"


def test_a_handle_given_to_connect_is_current_from_the_start() -> None:
    m = LinkMachine("x", resumption=True, handle="saved")
    assert m.handle_current


def test_give_up_after_max_failures_names_the_count() -> None:
    m = connected(max_failures=3, backoff_s=0.1)
    delays = []
    actions = m.socket_closed(1011, "boom")
    for _ in range(5):
        opens = [a for a in actions if isinstance(a, Open)]
        if not opens:
            break
        delays.append(opens[0].delay_s)
        actions = m.open_failed(SessionClosed(1011, "boom"))
    assert delays == [0.1, 0.2]
    (finish,) = actions
    assert isinstance(finish, Finish)
    assert "gave up after 3 consecutive failures" in finish.error.reason
    assert m.status is LinkStatus.CLOSED
    assert m.socket_closed(1011, "late") == [] and m.open_failed(SessionClosed(1011, "x")) == []


def test_a_completed_turn_resets_the_failure_count() -> None:
    m = connected(max_failures=2)
    m.socket_closed(1011, "a")
    m.opened()
    m.turn_ended()
    assert isinstance(m.socket_closed(1011, "b")[-1], Open)  # not given up: the count restarted


def test_an_unknown_handle_is_forgotten_and_the_session_starts_fresh() -> None:
    m = LinkMachine(WHERE, handle="stale", resumption=True)
    m.start()
    actions = m.open_failed(SessionClosed(1008, "Session not found"))
    assert isinstance(actions[0], Warn) and actions[1:] == [Open(0.0)]
    assert m.handle is None
    m.opened()
    m.resumption_update("fresh", resumable=False)
    assert m.handle is None  # a handle the server can't resume from is not kept
    m.resumption_update("fresh", resumable=True)
    assert m.handle == "fresh"


def test_at_the_first_connect_a_retryable_failure_backs_off() -> None:
    m = LinkMachine(WHERE, backoff_s=0.5, max_failures=3)
    m.start()
    assert m.open_failed(SessionClosed(1006, "refused")) == [Open(0.5)]
    assert m.open_failed(SessionClosed(1006, "refused")) == [Open(1.0)]
    assert isinstance(m.open_failed(SessionClosed(1006, "refused"))[0], Finish)


def test_a_closing_session_neither_retries_nor_leaves() -> None:
    m = connected()
    m.close()
    assert m.socket_closed(1011, "x") == [] and m.leave() == [] and m.goaway(5) == []


# ---------------------------------------------------------------------- properties

CLOSES = st.sampled_from(
    [(1011, "internal"), (1006, "drop"), (1000, "bye"), (1008, "Operation was aborted"),
     (1007, "bad setting"), (1008, "API key not valid"), (4000, "HTTP 403"),
     (1008, "session not found")]
)  # fmt: skip
EVENTS = st.lists(
    st.one_of(
        st.tuples(st.just("closed"), CLOSES),
        st.tuples(st.just("failed"), CLOSES),
        st.tuples(st.just("opened"), st.booleans()),
        st.tuples(st.just("goaway"), st.floats(0, 60)),
        st.tuples(st.just("leave"), st.none()),
        st.tuples(st.just("turn"), st.none()),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(EVENTS, st.integers(1, 5), st.floats(0, 2))
def test_any_event_order_keeps_the_rules(events: list, max_failures: int, backoff: float) -> None:
    m = LinkMachine(WHERE, max_failures=max_failures, backoff_s=backoff, handle="h",
                    resumption=True)  # fmt: skip
    actions = m.start()
    finished = 0
    leaving = False  # our own goAway close: whatever code it reads, it is not a failure
    for kind, arg in events:
        planned = False
        if kind == "closed" and m.status is LinkStatus.CONNECTED:
            planned, leaving = leaving, False
            actions = m.socket_closed(*arg)
        elif kind == "failed" and m.status in (LinkStatus.CONNECTING, LinkStatus.RECONNECTING):
            actions = m.open_failed(SessionClosed(*arg))
        elif kind == "opened" and m.status in (LinkStatus.CONNECTING, LinkStatus.RECONNECTING):
            actions = m.opened(arg)
        elif kind == "goaway":
            actions = m.goaway(arg)
        elif kind == "leave":
            actions = m.leave()
        elif kind == "turn":
            m.turn_ended()
            actions = []
        else:
            continue
        finished += sum(isinstance(a, Finish) for a in actions)
        for a in actions:
            if isinstance(a, Open):  # backoff never exceeds the last allowed step
                assert 0 <= a.delay_s <= backoff * 2 ** max(0, max_failures - 1) + 1e-9
            if isinstance(a, Drain):
                assert 0 <= a.wait_s <= arg
        if any(isinstance(a, Finish) for a in actions):
            assert not any(isinstance(a, Open) for a in actions)
            assert m.status is LinkStatus.CLOSED
        leaving = leaving or any(isinstance(a, Leave) for a in actions)
        if planned:
            assert not any(isinstance(a, (KeepClose, Finish)) for a in actions)
        elif kind in ("closed", "failed") and any(isinstance(a, Open) for a in actions):
            code, reason = arg
            assert code not in (1007, 4000) and "api key" not in reason.lower()
        assert m.failures <= max_failures
        assert m.status in set(LinkStatus)
    assert finished <= 1  # the session ends once
    if m.status is LinkStatus.CLOSED:
        assert m.socket_closed(1011, "late") == [] and m.open_failed(SessionClosed(1006)) == []
        assert m.leave() == [] and m.goaway(3) == []


@pytest.mark.parametrize("time_left", [0.0, 1.0, 3.9, 4.0, 30.0])
def test_goaway_leaves_min_2s_or_half_the_time_left_before_the_deadline(time_left: float) -> None:
    (drain,) = connected().goaway(time_left)
    assert isinstance(drain, Drain)
    assert drain.wait_s == pytest.approx(max(0.0, time_left - min(2.0, time_left / 2)))
