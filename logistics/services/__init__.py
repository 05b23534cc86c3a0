"""Every write to logistics: tracking events, lanes, anomalies and the notices they lead to."""
