"""Workers (阿姨): their records, service lines, status, photo and credentials (证书)."""
