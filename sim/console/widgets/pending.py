"""Requests awaiting the players, each with everything needed to decide it."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from sim.analysis.reasons import reason_label
from sim.console.text import countdown, scenario_t
from sim.console.widgets.base import Panel, plain
from sim.runs.view import AdviceView, MobilisationView, OptionView, PendingView, SessionView

__all__ = ["PendingPanel"]


class PendingPanel(Panel):
    def key(self, view: SessionView) -> object:
        return (view.clock.scenario_min // 1, tuple(map(repr, view.pending)), view.mobilisation)

    def render_view(self, view: SessionView) -> RenderableType:
        lab = self.lab
        parts: list[RenderableType] = [Text(lab("pending"), style="bold underline")]
        if view.mobilisation is not None:  # first: below the requests it went off screen
            state = self._mobilisation(view.mobilisation)
            parts.append(Text(f"{lab('mobilisation')}: {state}", style="bold"))
        if not view.pending:
            parts.append(Text(lab("no_pending"), style="dim"))
        for p in view.pending:
            parts.extend(self._request(p, view.clock.scenario_min))
        self.text = plain(parts)
        return Group(*parts)

    def _request(self, p: PendingView, now: float) -> list[RenderableType]:
        lab = self.lab
        head = Text()
        head.append(f"\n{p.key} ", style="bold reverse")
        head.append(f" {p.region} {p.region_name}", style="bold")
        if p.crisis:
            head.append(f" · {lab('crisis')} {p.crisis}")
            if p.crisis_level:
                head.append(f" {p.crisis_level}", style="bold magenta")
        head.append(f" · {lab('asked', t=scenario_t(p.asked_min))}", style="dim")
        head.append(f" ({countdown(now - p.asked_min)})", style="dim")
        if p.life_safety:
            head.append(f"  {lab('life_safety')}", style="bold white on red")
        facts = Text()
        facts.append(f"{lab('route')} {p.route} · {lab('requester')} {p.requester}")
        facts.append(f" · {lab('urgency')} {countdown(p.urgency_min)}")
        if p.priority is not None:
            facts.append(f" · {lab('priority')} {p.priority:.1f}", style="bold")
        ask = Text()
        ask.append(f"{lab('effect')}: ", style="italic")
        ask.append(p.effect)
        ask.append(f"\n{lab('tags')}: {', '.join(p.tags) or '–'} · {lab('quantity')} {p.quantity}")
        ask.append(f" {lab('measure_' + p.measure)}")
        options = Text()
        options.append(f"{lab('options')}:", style="underline")
        for o in p.options:
            style = "dim" if not o.legal else ("red" if o.free < o.needed else "")
            options.append("\n▶ " if o.primary else "\n  ", style="bold")
            options.append(f"{o.capability} ", style=f"bold {style}".strip())
            options.append(o.name, style=style)
            options.append(
                f"\n    {lab('free')} {o.free} · {lab('needed')} {o.needed} · "
                f"{lab('eta')} {countdown(o.eta_min)}",
                style=style,
            )
            flags = self._note(o)
            if not o.legal:
                flags.append(lab("not_legal"))
            if not o.support_ok:
                flags.append(lab("no_support"))
            if flags:
                options.append(" · " + "; ".join(flags), style="yellow" if o.legal else "dim")
        advice = Text()
        advice.append(f"{lab('advice')}: ", style="bold green")
        advice.append(self._advice(p.advice))
        return [head, facts, ask, options, advice]

    def _note(self, o: OptionView) -> list[str]:
        """What taking this capability means: none or the last free, others waiting for it."""
        lab, out = self.lab, []
        if o.free == 0:
            out.append(lab("note_none_free"))
        elif o.free <= o.needed:
            out.append(lab("note_last_free") if o.free == 1 else lab("note_all_free", n=o.free))
        if o.others:
            out.append(lab("note_also_wanted", ids=", ".join(o.others)))
        return out

    def _advice(self, a: AdviceView) -> str:
        """``priority: approved 2 x FBO_CH47 (reason)``, the outcome in the console's language."""
        what = f" {a.units} x {a.capability}" if a.capability else ""
        outcome = self.lab.other(f"decision.{a.outcome}")
        return f"{a.policy}: {outcome}{what} ({reason_label(a.reason, self.lab.lang)})"

    def _mobilisation(self, m: MobilisationView) -> str:
        lab = self.lab
        if m.mobilised_min is not None:
            return lab("mobilised_at", t=scenario_t(m.mobilised_min))
        if m.would_mobilise:
            return lab("would_mobilise", policy=m.policy, n=m.waiting)
        return lab("not_mobilised", n=m.waiting, threshold=m.threshold)
