"""One cog per feature; ``bot.EXTENSIONS`` lists the modules loaded at start-up."""
