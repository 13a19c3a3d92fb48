Run as xm: this case checks xm's reading of its xm spellings.
