"""The region's report for its social-protection body: orders, spend, claims and terms kept."""
