"""DirPG Python side: an environment server speaking the DirPG environment protocol (dirpg.env.v1) and its client."""
