"""CLI commands of the service domain: `serve`, and the administration of users and API keys."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from chainbreaker.cli.common import WORKSPACE_OPTION, console, out, user_errors, workspace_at


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app."""
    users = typer.Typer(
        help="Local users of the service.\n\nExample: chainbreaker users list -w ws", no_args_is_help=True
    )
    keys = typer.Typer(
        help="API keys for integrations.\n\nExample: chainbreaker api-keys create alice -w ws",
        no_args_is_help=True,
    )
    app.add_typer(users, name="users")
    app.add_typer(keys, name="api-keys")

    @app.command()
    def serve(
        workspace: Path = WORKSPACE_OPTION,
        host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
        port: int = typer.Option(8000, "--port", min=1, max=65535),
        secure_cookies: bool | None = typer.Option(
            None,
            "--secure-cookies/--insecure-cookies",
            help="mark cookies Secure (default: yes, except on a loopback address)",
        ),
        allowed_origin: list[str] = typer.Option(
            [], "--allowed-origin", help="exact browser origin allowed to call the API (repeatable)"
        ),
    ) -> None:
        """Run the web UI and the API for one workspace.

        Sessions are signed with CHAINBREAKER_SECRET_KEY when set, else with a key generated into the
        workspace (.secrets/session.key, mode 0600).

        Example: chainbreaker serve --workspace ws --port 8000
        """
        from chainbreaker.core.settings import get_settings
        from chainbreaker.service.options import ServiceOptions
        from chainbreaker.service.server import run_server

        with user_errors():
            console.print(f"serving {workspace} on http://{host}:{port}  (Ctrl-C stops)")
            run_server(
                get_settings(),
                workspace_at(workspace),
                host,
                port,
                ServiceOptions(allowed_origins=tuple(allowed_origin)),
                secure_cookies,
            )

    @users.command("add")
    def users_add(
        username: str = typer.Argument(..., help="login name"),
        org: str = typer.Option(..., "--org", help="organisation id, e.g. bank-a (created if new)"),
        role: str = typer.Option(
            "analyst",
            "--role",
            help="bank/investor/fiu: analyst, supervisor, admin, auditor; ngo: caseworker, coordinator, "
            "admin, auditor; hub: hub_operator, admin, auditor",
        ),
        org_name: str | None = typer.Option(None, "--org-name", help="display name of a new organisation"),
        org_kind: str | None = typer.Option(
            None, "--org-kind", help="kind of a new organisation: bank (default), ngo, investor, fiu or hub"
        ),
        password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from stdin"),
        workspace: Path = WORKSPACE_OPTION,
    ) -> None:
        """Add a user; the password is asked for (or read from stdin) and stored as an argon2 hash.

        Example: chainbreaker users add alice --org bank-a --role analyst -w ws
        (an NGO member: chainbreaker users add nadia --org ngo-x --org-kind ngo --role caseworker -w ws)
        """
        from chainbreaker.core.settings import get_settings
        from chainbreaker.service import admin

        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        with user_errors():
            info = admin.add_user(
                workspace_at(workspace), get_settings(), org, username, password, role, org_name, org_kind
            )
            out.print(f"user {info.username} ({info.role}) added to {info.org_id}")

    @users.command("set-password")
    def users_set_password(
        username: str = typer.Argument(...),
        password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from stdin"),
        workspace: Path = WORKSPACE_OPTION,
    ) -> None:
        """Set a new password; the user's open browser sessions end at once.

        Example: chainbreaker users set-password alice -w ws
        """
        from chainbreaker.core.settings import get_settings
        from chainbreaker.service import admin

        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
        with user_errors():
            info = admin.set_password(workspace_at(workspace), get_settings(), username, password)
            out.print(f"password of {info.username} changed; their sessions were ended")

    @users.command("list")
    def users_list(
        org: str | None = typer.Option(None, "--org", help="only this organisation"),
        workspace: Path = WORKSPACE_OPTION,
    ) -> None:
        """List users (never their password hashes).

        Example: chainbreaker users list --org bank-a -w ws
        """
        from chainbreaker.core.settings import get_settings
        from chainbreaker.service import admin

        with user_errors():
            for info in admin.list_users(workspace_at(workspace), get_settings(), org):
                state = "active" if info.active else "disabled"
                typer.echo(f"{info.org_id}\t{info.username}\t{info.role}\t{state}")

    @users.command("disable")
    def users_disable(
        username: str = typer.Argument(...),
        enable: bool = typer.Option(False, "--enable", help="enable the user again instead"),
        workspace: Path = WORKSPACE_OPTION,
    ) -> None:
        """Disable a user at once (sessions and API keys stop working), or enable again.

        Example: chainbreaker users disable alice -w ws
        """
        from chainbreaker.core.settings import get_settings
        from chainbreaker.service import admin

        with user_errors():
            info = admin.set_active(workspace_at(workspace), get_settings(), username, enable)
            out.print(f"user {info.username} is {'active' if info.active else 'disabled'}")

    @keys.command("create")
    def keys_create(
        username: str = typer.Argument(..., help="the user the key acts as"),
        workspace: Path = WORKSPACE_OPTION,
    ) -> None:
        """Create an API key; it is printed once (send it as `Authorization: Bearer KEY`).

        Example: chainbreaker api-keys create alice -w ws
        """
        from chainbreaker.core.settings import get_settings
        from chainbreaker.service import admin

        with user_errors():
            key, prefix = admin.create_api_key(workspace_at(workspace), get_settings(), username)
            console.print(f"API key {prefix} created for {username}; it is shown only now:")
            typer.echo(key)

    @keys.command("revoke")
    def keys_revoke(
        prefix: str = typer.Argument(..., help="the key's prefix, e.g. cbk_1a2b3c4d"),
        workspace: Path = WORKSPACE_OPTION,
    ) -> None:
        """Revoke an API key at once.

        Example: chainbreaker api-keys revoke cbk_1a2b3c4d -w ws
        """
        from chainbreaker.core.settings import get_settings
        from chainbreaker.service import admin

        with user_errors():
            admin.revoke_api_key(workspace_at(workspace), get_settings(), prefix)
            out.print(f"API key {prefix} revoked")
