"""Service-line plugins shipped with Jiazheng; each travels the jiazheng.plugins entry point."""
