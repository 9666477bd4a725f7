"""The demo ISP: `seed.seed_demo` fills an empty database with a realistic Quebec fibre ISP."""
