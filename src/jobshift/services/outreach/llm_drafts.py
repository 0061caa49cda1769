"""LLM drafting with a per-run budget: ask, parse, guard — or say why the template is used instead.

The prompt holds only the lead's evidence (:func:`jobshift.domain.outreach.prompt.messages_for`). The
reply must parse and pass the fact guard; otherwise the caller keeps the template draft with the
reason. Limits per run (``[outreach.llm]``): chat calls, seconds spent waiting for the model, and cost
(tokens × the configured prices). When one is reached every further lead of the run gets its template
draft, "LLM budget reached: ...". An endpoint that refuses the run (bad key, unknown model) stops LLM
drafting for the rest of the run; a transient failure (timeouts, 5xx, 429 after retries) falls back for
that lead only. Nothing here is cached on failure, so the next run tries again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from jobshift.config import LlmSection
from jobshift.connectors.llm.client import ChatClient
from jobshift.domain.outreach.evidence import Evidence
from jobshift.domain.outreach.guard import check_draft
from jobshift.domain.outreach.prompt import ParsedReply, ReplyError, messages_for, parse_reply
from jobshift.errors import FatalError, RetryableError


@dataclass
class LlmUsage:
    """What a run spent on the LLM."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    cost: float = 0.0
    accepted: int = 0
    rejected: int = 0
    errors: int = 0
    stopped: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return asdict(self)


@dataclass
class LlmOutcome:
    """One lead's LLM attempt: the reply that passed the guard, or why not (and whether to cache that)."""

    reply: ParsedReply | None = None
    reason: str | None = None
    violations: list[str] = field(default_factory=list)
    cacheable: bool = False
    model: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    latency_ms: int = 0


class LlmDrafter:
    """Drafts through one chat endpoint within the run's budget."""

    def __init__(
        self,
        settings: LlmSection,
        allowed_terms: Iterable[str] = (),
        *,
        client: ChatClient | None = None,
        client_factory: Callable[[LlmSection], ChatClient] = ChatClient,
    ) -> None:
        self.settings = settings
        self.allowed_terms = list(allowed_terms)
        self.client = client or client_factory(settings)
        self.usage = LlmUsage()

    @property
    def generator(self) -> str:
        """The cache generator name of this drafter's drafts."""
        return f"llm:{self.settings.model}"

    def close(self) -> None:
        """Close the client."""
        self.client.close()

    def budget_left(self) -> str | None:
        """Why no more calls may be made this run (``None`` while within budget)."""
        s, u = self.settings, self.usage
        if u.stopped:
            return u.stopped
        if u.calls >= s.max_calls_per_run:
            return f"LLM budget reached: {u.calls} of {s.max_calls_per_run} calls this run"
        if u.seconds >= s.max_seconds_per_run:
            return f"LLM budget reached: {u.seconds:.0f} s of {s.max_seconds_per_run:.0f} s this run"
        if s.max_cost_per_run is not None and u.cost >= s.max_cost_per_run:
            return f"LLM budget reached: cost {u.cost:.4f} of {s.max_cost_per_run:.4f} this run"
        return None

    def draft(self, evidence: Evidence) -> LlmOutcome:
        """Ask for one lead's draft and check it."""
        stop = self.budget_left()
        if stop:
            return LlmOutcome(reason=stop)
        s = self.settings
        self.usage.calls += 1
        try:
            reply = self.client.chat(messages_for(evidence))
        except RetryableError as exc:
            self.usage.errors += 1
            return LlmOutcome(reason=f"LLM unavailable: {exc}")
        except FatalError as exc:
            self.usage.errors += 1
            self.usage.stopped = f"LLM refused the run: {exc}"
            return LlmOutcome(reason=self.usage.stopped)
        cost = (
            reply.prompt_tokens * s.input_cost_per_1k_tokens
            + reply.completion_tokens * s.output_cost_per_1k_tokens
        ) / 1000
        u = self.usage
        u.prompt_tokens += reply.prompt_tokens
        u.completion_tokens += reply.completion_tokens
        u.seconds += reply.seconds
        u.cost += cost
        meta = {
            "model": reply.model,
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "cost": cost,
            "latency_ms": int(reply.seconds * 1000),
        }
        try:
            parsed = parse_reply(reply.text)
        except ReplyError as exc:
            u.rejected += 1
            return LlmOutcome(reason=f"LLM reply unusable: {exc}", cacheable=True, **meta)  # type: ignore[arg-type]
        verdict = check_draft(
            (parsed.subject, parsed.body, parsed.linkedin_note), evidence, self.allowed_terms
        )
        if not verdict.ok:
            u.rejected += 1
            return LlmOutcome(
                reason=f"the LLM draft states facts that are not in the evidence: {verdict.reason()}",
                violations=[str(v) for v in verdict.violations],
                cacheable=True,
                **meta,  # type: ignore[arg-type]
            )
        u.accepted += 1
        return LlmOutcome(reply=parsed, cacheable=True, **meta)  # type: ignore[arg-type]
