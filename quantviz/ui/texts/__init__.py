"""Text tables: each module defines TEXT = {key: (english, chinese)}."""
