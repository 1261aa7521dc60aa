"""The accountant's report: receivables, pipeline, recovery, forecast, late customers, actions.

``data`` computes the numbers (pure), one module a section (``ageing``, ``pipeline``,
``recovery``, ``late``, ``actions``) over the steps of ``steps``; ``facts`` gives them as JSON.
``gather`` collects their inputs (a dry run and the store), ``forecast`` replays the policy over
the coming days, ``charts`` draws SVG with matplotlib, ``html`` renders the page and
``command`` is the CLI command (docs/report.md).
"""
