"""DirPG Python side: an environment server speaking the DirPG environment protocol (dirpg.env.v1) and its client."""


def __getattr__(name):
    # Policy and evaluate load numpy only when asked for, so the env server's start stays light.
    if name in ("Policy", "evaluate"):
        from dirpg import policy
        return getattr(policy, name)
    raise AttributeError(f"module 'dirpg' has no attribute {name!r}")
