Run as xm: xm refuses every bad vif field that xl only warns about.
