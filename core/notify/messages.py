"""One message as a person reads it: a subject, a greeting, sections of lines (each with an
optional link), in plain text and in HTML, both from the same values. Nothing here reads the
database; every sentence comes from the catalog (core.i18n)."""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from core.i18n import t


@dataclass(frozen=True)
class Line:
    """One line of a section: its sentence, the page it points to, and how urgent it is
    ("overdue", "due_soon", or "" for a plain line)."""

    text: str
    link: str = ""
    state: str = ""
    detail: tuple[str, ...] = ()  # sentences under it (a candidate's several deadlines)


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Message:
    """What one user receives: `kind` "digest" (what is due), "brief" (the week's progress) or
    "test"; `period` the day or ISO week it is for ("2026-12-04", "2026-W49")."""

    user_id: int
    username: str
    address: str
    display_name: str
    kind: str
    period: str
    subject: str
    intro: str
    sections: tuple[Section, ...] = ()
    link: str = ""  # the page the message as a whole is about
    link_text: str = ""
    footer: str = field(default_factory=lambda: t("mail.footer"))
    facts: str = ""  # what it reported, as JSON, kept with its record (a brief: the next one's "since")

    def text(self) -> str:
        """The plain-text part."""
        out = [t("mail.greeting", name=self.display_name), "", self.intro]
        for section in self.sections:
            out += ["", section.title.upper()]
            for line in section.lines:
                out.append(f"- {line.text}")
                out += [f"    {d}" for d in line.detail]
                if line.link:
                    out.append(f"    {line.link}")
        if self.link:
            out += ["", f"{self.link_text}: {self.link}"]
        out += ["", "--", self.footer]
        return "\n".join(out) + "\n"

    def html(self) -> str:
        """The HTML part: one column, inline styles (mail programs drop style sheets), the
        state of a line said in words as well as in colour."""
        colours = {"overdue": "#b00020", "due_soon": "#8a5300"}
        parts = [
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">',
            f"<title>{escape(self.subject)}</title></head>",
            '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;'
            'line-height:1.5;color:#1a1a1a;background:#ffffff">',
            '<div style="max-width:640px;margin:0 auto">',
            f'<p style="margin:0 0 12px">{escape(t("mail.greeting", name=self.display_name))}</p>',
            f'<p style="margin:0 0 16px">{escape(self.intro)}</p>',
        ]
        for section in self.sections:
            parts.append(f'<h2 style="font-size:18px;margin:20px 0 8px;color:#a50000">{escape(section.title)}</h2>')
            parts.append('<ul style="margin:0;padding-left:20px">')
            for line in section.lines:
                colour = colours.get(line.state, "#1a1a1a")
                body = escape(line.text)
                if line.link:
                    body = f'<a href="{escape(line.link, quote=True)}" style="color:{colour}">{body}</a>'
                else:
                    body = f'<span style="color:{colour}">{body}</span>'
                details = "".join(f'<div style="color:#333333">{escape(d)}</div>' for d in line.detail)
                parts.append(f'<li style="margin:0 0 8px">{body}{details}</li>')
            parts.append("</ul>")
        if self.link:
            parts.append(f'<p style="margin:20px 0"><a href="{escape(self.link, quote=True)}" '
                         f'style="display:inline-block;padding:10px 16px;background:#a50000;color:#ffffff;'
                         f'text-decoration:none;border-radius:4px">{escape(self.link_text)}</a></p>')
        parts.append(f'<p style="margin:24px 0 0;font-size:13px;color:#555555">{escape(self.footer)}</p>')
        parts.append("</div></body></html>")
        return "".join(parts)
