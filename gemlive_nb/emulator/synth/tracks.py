"""Phrases to 5 ms parameter tracks: formants, voicing, aspiration, frication, pitch."""

from __future__ import annotations

import numpy as np

from .languages import AFFRICATES, CONSONANTS, VOWELS, LanguageProfile, is_vowel
from .phonology import PAUSES, Phrase
from .text_channel import message_seconds
from .voices import VoiceParams

# Phrases -> parameter tracks

# columns of the segment table
_F1, _F2, _F3, AV, _AH, _AF, _NF, NB, SYL, _PHR = range(10)
VOWEL_AV = 0.7  # vowels are voiced at least this much (nasalised ones 0.75), consonants less


def segments(
    phrases: list[Phrase], prof: LanguageProfile, voice: VoiceParams
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, str, int, int]]]:
    """Segment table (durations in seconds, parameter rows) plus syllable/phrase bookkeeping.

    Returns (durations, rows, syllable info) where syllable info is (phrase index, phrase end
    punctuation, position in phrase, syllables in phrase) per syllable index.
    """
    durs: list[float] = [0.04]
    rows: list[list[float]] = [[500, 1500, 2500, 0, 0, 0, 3000, 800, -1, -1]]
    syl_info: list[tuple[int, str, int, int]] = []
    base = 0.19 / (prof.rate * voice.rate)
    for pi, phrase in enumerate(phrases):
        count = len(phrase.syllables)
        first_seg = len(durs)
        for si, syl in enumerate(phrase.syllables):
            sid = len(syl_info)
            syl_info.append((pi, phrase.end, si, count))
            target = base
            reduce = 0.0
            if prof.rhythm == "stress":
                target *= 1.3 if syl.stressed else 0.78
                reduce = 0.0 if syl.stressed else 0.35
            elif prof.rhythm == "mora":
                target *= 0.8
            elif syl.stressed:
                target *= 1.08
            if si == count - 1:
                target *= 1.35
            _syllable_segments(syl.phones, target, reduce, sid, pi, durs, rows)
        vowels = [k for k in range(first_seg, len(durs)) if rows[k][AV] >= VOWEL_AV]
        if vowels:  # slow a dense phrase down until its text fits between its first/last vowel
            spoken = sum(durs[vowels[0] : vowels[-1] + 1])
            need = message_seconds(phrase.text)
            if spoken < need:
                durs[first_seg:] = [d * need / spoken for d in durs[first_seg:]]
        last = not any(ph.syllables for ph in phrases[pi + 1 :])
        if count and not last:
            pause = PAUSES.get(phrase.end, 0.0)
            if pause:
                durs.append(pause / voice.rate)
                rows.append([*rows[-1][:3], 0, 0, 0, 3000, 800, -1, pi])
    durs.append(0.08)
    rows.append([*rows[-1][:3], 0, 0, 0, 3000, 800, -1, -1])
    return np.asarray(durs), np.asarray(rows, dtype=np.float64), syl_info


def _syllable_segments(
    phones: list[str],
    target: float,
    reduce: float,
    sid: int,
    pi: int,
    durs: list[float],
    rows: list[list[float]],
) -> None:
    consonant_time = 0.0
    expanded: list[str] = []
    for p in phones:
        expanded.extend(AFFRICATES.get(p, (p,)))
    vowels = [p for p in expanded if is_vowel(p)]
    for p in expanded:
        if not is_vowel(p):
            consonant_time += CONSONANTS[p][4] / 1000
    vowel_time = max(0.05, target - 0.75 * consonant_time)
    per_vowel = vowel_time / max(1, len(vowels))
    nucleus = VOWELS[vowels[0].rstrip(":~")] if vowels else (500, 1500, 2500)
    for i, p in enumerate(expanded):
        if is_vowel(p):
            f = np.array(VOWELS[p.rstrip(":~")], dtype=float)
            if reduce:
                f = f * (1 - reduce) + np.array(VOWELS["@"]) * reduce
            length = per_vowel * (1.5 if p.endswith(":") else 1.0)
            nasal = 0.25 if p.endswith("~") else 0.0
            durs.append(length)
            rows.append([f[0], f[1], f[2], 1.0 - nasal, 0.0, 0.0, 3000, 800, sid, pi])
            continue
        kind, l1, l2, centre, ms = CONSONANTS[p]
        dur = ms / 1000
        after = expanded[i + 1] if i + 1 < len(expanded) else None
        aspirated = after == "h" and kind == "P"
        if kind in "PB":  # closure, burst, (aspiration)
            bar = 0.12 if kind == "B" else 0.0
            durs += [dur * 0.8, 0.012]
            rows.append([200, l2, nucleus[2], bar, 0, 0, 3000, 800, sid, pi])
            rows.append([l1, l2, nucleus[2], bar * 2, 0.1, 0.9, centre, centre * 0.35, sid, pi])
            if kind == "P":
                durs.append(0.05 if aspirated else 0.022)
                rows.append([*nucleus, 0, 0.5, 0.1, centre, centre * 0.5, sid, pi])
        elif kind in "FZ":
            if p == "h":
                durs.append(dur)
                rows.append([*nucleus, 0, 0.55, 0, 3000, 800, sid, pi])
                continue
            voiced = kind == "Z"
            strength = {"f": 0.15, "v": 0.12, "T": 0.12, "D": 0.1, "H": 0.4}.get(p, 0.8)
            durs.append(dur)
            rows.append(
                [l1, l2, nucleus[2], 0.35 if voiced else 0, 0, strength, centre, centre * 0.22,
                 sid, pi]
            )  # fmt: skip
        elif kind == "Q":
            durs.append(dur)
            rows.append([*nucleus, 0, 0, 0, 3000, 800, sid, pi])
        else:  # sonorants
            amp = {"N": 0.4, "L": 0.6, "G": 0.65, "T": 0.45}[kind]
            durs.append(dur)
            rows.append([l1, l2, centre, amp, 0, 0, 3000, 800, sid, pi])


def smooth(track: np.ndarray, width: int) -> np.ndarray:
    """Moving average over `width` frames along axis 0 (edges held)."""
    if width <= 1:
        return track
    pad = width // 2
    padded = np.concatenate([np.repeat(track[:1], pad, 0), track, np.repeat(track[-1:], pad, 0)])
    cs = np.cumsum(padded, axis=0)
    cs = np.concatenate([np.zeros((1, track.shape[1])), cs])
    return (cs[width:] - cs[:-width])[: len(track)] / width
